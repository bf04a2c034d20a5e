package io.pgsidecar.devdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgsidecar.cli.Cli;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The embedded run's start banner says where the status page is and how to ask with the CLI. */
class DevModeBannerTest {

    private static final String BANNER = DevMode.banner(true, "jdbc:postgresql://127.0.0.1:15432/app",
            "postgresql://postgres:postgres@127.0.0.1:15433/app", 9188, Optional.of("tok123"));

    @Test
    void theBannerGivesTheStatusPagesUrl() {
        assertThat(BANNER).contains("status page:       http://localhost:9188/ (log in with the admin token)")
                .contains("admin token:       tok123");
    }

    /** The CLI line is one the CLI parses: the README's local invocation, the agent's URL, the generated token. */
    @Test
    void theBannerGivesACliLineTheCliAccepts() {
        String line = BANNER.lines().filter(l -> l.contains("quarkus-run.jar")).findFirst().orElseThrow().strip();
        assertThat(line).startsWith("PGSIDECAR_ADMIN_TOKEN='tok123' java -jar target/quarkus-app/quarkus-run.jar ");
        List<String> args = Arrays.asList(line.substring(line.indexOf(".jar ") + 5).split(" "));
        CommandLine.ParseResult parsed = new CommandLine(new Cli()).parseArgs(args.toArray(String[]::new));
        assertThat(parsed.matchedOptionValue("--url", "")).isEqualTo("http://localhost:9188");
        assertThat(parsed.subcommand().commandSpec().name()).isEqualTo("health");
    }
}
