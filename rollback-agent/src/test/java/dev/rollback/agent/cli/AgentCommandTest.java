package dev.rollback.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class AgentCommandTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = AgentCommand.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    private Path file(String yaml) throws Exception {
        Path f = dir.resolve("agent.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    @Test
    void validatesAGoodConfigurationAndSaysWhatItConfigures() throws Exception {
        Path f = file("""
                server: {token: 0123456789abcdef0123}
                services:
                  - name: checkout
                    tier: 1
                    kubernetes: {namespace: shop}
                """);

        int code = run("validate-config", "--config", f.toString());

        assertThat(code).isZero();
        assertThat(out.toString()).contains("Configuration OK").contains("with a bearer token")
                .contains("checkout: tier 1").contains("namespace=shop, deployment=checkout")
                .contains("Alertmanager: a firing alert with rollback_action=\"revert\" reverts the service named by"
                        + " its label 'service'");
    }

    @Test
    void exitsWithTwoAndNamesTheKeyForABadConfiguration() throws Exception {
        Path f = file("""
                server: {token: 0123456789abcdef0123, port: 99999}
                services: [{name: checkout, command: {run: ["true"]}}]
                """);

        int validate = run("validate-config", "--config", f.toString());
        int start = run("run", "--config", f.toString());

        assertThat(validate).isEqualTo(AgentCommand.EXIT_BAD_CONFIG);
        assertThat(start).isEqualTo(AgentCommand.EXIT_BAD_CONFIG);
        assertThat(err.toString()).contains("server.port: 99999 is not a port");
    }

    @Test
    void runningOpenNeedsTheFlag() throws Exception {
        Path f = file("services: [{name: checkout, command: {run: [\"true\"]}}]\n");

        assertThat(run("validate-config", "--config", f.toString())).isEqualTo(AgentCommand.EXIT_BAD_CONFIG);
        assertThat(err.toString()).contains("server.token: no bearer token is set");
        assertThat(run("validate-config", "--config", f.toString(), "--insecure-loopback")).isZero();
        assertThat(out.toString()).contains("WITHOUT a token");
    }

    @Test
    void aMissingFileIsABadConfiguration() {
        assertThat(run("validate-config", "--config", dir.resolve("nope.yaml").toString()))
                .isEqualTo(AgentCommand.EXIT_BAD_CONFIG);
        assertThat(err.toString()).contains("cannot be read");
    }
}
