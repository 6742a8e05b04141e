package dev.rollback.examples.plain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DemoOptionsTest {

    @Test
    void usesTheDefaultsWithoutArguments() {
        assertThat(DemoOptions.parse()).isEqualTo(new DemoOptions(Regression.ERRORS, 20_000, 42, 2))
                .isEqualTo(DemoOptions.defaults());
    }

    @Test
    void readsEveryOption() {
        assertThat(DemoOptions.parse("--regression=LATENCY", "--requests=500", "--seed=0", "--threads=4"))
                .isEqualTo(new DemoOptions(Regression.LATENCY, 500, 0, 4));
    }

    @Test
    void letsALaterOptionWinOverAnEarlierOne() {
        assertThat(DemoOptions.parse("--seed=1", "--seed=2").seed()).isEqualTo(2);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--regression=slow  | --regression        | 'slow'       | expected one of errors|latency",
        "--regression=      | --regression        | --regression | needs a value",
        "--requests=-5      | --requests          | '-5'         | must be from 1 to 1,000,000",
        "--requests=0       | --requests          | '0'          | must be from 1 to 1,000,000",
        "--requests=abc     | --requests          | 'abc'        | not a whole number",
        "--requests=2000000 | --requests          | '2000000'    | must be from 1 to 1,000,000",
        "--requests         | --requests          | --requests=N | needs a value",
        "--seed=-1          | --seed              | '-1'         | must be 0 or more",
        "--seed=1.5         | --seed              | '1.5'        | not a whole number",
        "--threads=0        | --threads           | '0'          | must be from 1 to 32",
        "--threads=x        | --threads           | 'x'          | not a whole number",
        "--threads=99       | --threads           | '99'         | must be from 1 to 32",
        "--bogus=1          | unknown option      | '--bogus=1'  | unknown option",
        "requests=5         | unexpected argument | 'requests=5' | written --name=value",
    })
    void rejectsABadOptionNamingItAndItsValue(String arg, String option, String value, String why) {
        assertThatIllegalArgumentException().isThrownBy(() -> DemoOptions.parse(arg))
                .withMessageContaining(option)
                .withMessageContaining(value)
                .withMessageContaining(why);
    }

    @Test
    void exitsWithStatus2AndTheUsageOnABadOption() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int status = PlainJavaDemo.run(new String[] {"--regression=slow"}, print(out), print(err));

        assertThat(status).isEqualTo(2);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(err.toString(StandardCharsets.UTF_8))
                .startsWith("PlainJavaDemo: bad value 'slow' for option --regression: expected one of errors|latency")
                .contains("usage: PlainJavaDemo");
    }

    @Test
    void printsTheUsageOnHelp() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int status = PlainJavaDemo.run(new String[] {"--help"}, print(out), print(err));

        assertThat(status).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("usage: PlainJavaDemo");
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    private static PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }
}
