package dev.rollback.flags.it;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Copies everything written to {@code System.out} and {@code System.err}, from any thread, while
 * open; the output still reaches the console. slf4j-simple logs here because the test
 * {@code simplelogger.properties} sets {@code logFile=System.out} without caching the stream, so it
 * looks up {@code System.out} at every line.
 */
final class CapturedOutput implements AutoCloseable {

    private final PrintStream originalOut = System.out;
    private final PrintStream originalErr = System.err;
    private final ByteArrayOutputStream copy = new ByteArrayOutputStream();

    private CapturedOutput() {
        System.setOut(tee(originalOut));
        System.setErr(tee(originalErr));
    }

    /** Starts capturing; close to stop. */
    static CapturedOutput start() {
        return new CapturedOutput();
    }

    /** What was written so far. */
    String text() {
        return copy.toString(StandardCharsets.UTF_8);
    }

    private PrintStream tee(PrintStream original) {
        return new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                original.write(b);
                copy.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                original.write(b, off, len);
                copy.write(b, off, len);
            }

            @Override
            public void flush() {
                original.flush();
            }
        }, true, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        System.out.flush();
        System.err.flush();
        System.setOut(originalOut);
        System.setErr(originalErr);
    }
}
