package dev.rollback.examples.checkout.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollback.testing.RequiredServer;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Looks at the report as a person would: renders it in headless Chromium to a PNG and counts the
 * pixels of the new path's, the old path's and the rollback marker's colours. Needs Debian's
 * {@code chromium} package (or {@code rollback.chromium} / {@code ROLLBACK_CHROMIUM} naming the
 * binary); without it the tests are skipped, or fail with {@code rollback.it.required=true}, as
 * in CI (see {@link RequiredServer}).
 */
class ReportRenderTest {

    private static final String CHROMIUM = RequiredServer.setting("rollback.chromium", "ROLLBACK_CHROMIUM", "chromium");
    private static final Path OUT = Path.of("target", "report-render-test");
    /** The marker is 4 px wide over three charts; each series is a long 2.5 px line. */
    private static final int SHOWN = 300;

    @BeforeEach
    void skipUnlessChromiumRuns() {
        RequiredServer.assumeReachable("Chromium (" + CHROMIUM + ") to render the demo's report",
                "sudo bash .ci/install-chromium.sh", () -> {
                    Process p = new ProcessBuilder(CHROMIUM, "--version").redirectErrorStream(true).start();
                    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                        p.destroyForcibly();
                        throw new IOException(CHROMIUM + " --version did not end with status 0");
                    }
                });
    }

    @Test
    void theRenderedReportShowsBothPathsAndTheRollbackMarker() throws Exception {
        BufferedImage png = render(ReportFixtures.rolledBack(), "rolled-back");

        assertThat(pixels(png, Chart.NEW_PATH_COLOUR)).as("new path pixels").isGreaterThan(SHOWN);
        assertThat(pixels(png, Chart.OLD_PATH_COLOUR)).as("old path pixels").isGreaterThan(SHOWN);
        assertThat(pixels(png, Chart.ROLLBACK_COLOUR)).as("rollback marker pixels").isGreaterThan(SHOWN);
    }

    @Test
    void aRunWithoutARollbackHasNoMarker() throws Exception {
        BufferedImage png = render(ReportFixtures.notRolledBack(), "not-rolled-back");

        assertThat(pixels(png, Chart.NEW_PATH_COLOUR)).as("new path pixels").isGreaterThan(SHOWN);
        assertThat(pixels(png, Chart.ROLLBACK_COLOUR)).as("rollback marker pixels").isLessThan(20);
    }

    private static BufferedImage render(RunResult result, String name) throws Exception {
        Path directory = OUT.resolve(name);
        Path html = ReportWriter.write(result, directory).toAbsolutePath();
        Path png = directory.resolve("report.png").toAbsolutePath();
        Files.deleteIfExists(png);
        List<String> command = new ArrayList<>(List.of(CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                "--hide-scrollbars", "--window-size=980,1600", "--screenshot=" + png, html.toUri().toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(directory.resolve("chromium.log").toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("chromium ended within 60 s").isTrue();
        assertThat(png).as("the screenshot (see %s)", directory.resolve("chromium.log")).exists();
        File file = png.toFile();
        return ImageIO.read(file);
    }

    /** Counts the pixels within a small distance of the colour (anti-aliasing blends line edges). */
    static long pixels(BufferedImage image, String hex) {
        int want = Integer.parseInt(hex.substring(1), 16);
        int r = want >> 16 & 0xff;
        int g = want >> 8 & 0xff;
        int b = want & 0xff;
        long n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y);
                if (Math.abs((rgb >> 16 & 0xff) - r) <= 24 && Math.abs((rgb >> 8 & 0xff) - g) <= 24
                        && Math.abs((rgb & 0xff) - b) <= 24) {
                    n++;
                }
            }
        }
        return n;
    }
}
