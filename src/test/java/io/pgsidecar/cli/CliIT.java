package io.pgsidecar.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgsidecar.OneReplicaSuiteIT;
import io.pgsidecar.testing.PgTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every CLI command against a running test agent: its output, and its exit code. */
@QuarkusTest
@TestProfile(OneReplicaSuiteIT.Profile.class)
@WithTestResource(value = PgTestResource.class, initArgs = {
        @ResourceArg(name = "own", value = "true"), @ResourceArg(name = "replicas", value = "1"),
        @ResourceArg(name = "replicaJson", value = OneReplicaSuiteIT.REPLICAS),
        @ResourceArg(name = "sql", value = OneReplicaSuiteIT.SQL)})
class CliIT {

    record Run(int exit, String out, String err) {
    }

    static Path tokenFile;

    @BeforeAll
    static void token() throws Exception {
        tokenFile = Files.createTempFile("pgsidecar-token", ".txt");
        Files.writeString(tokenFile, "test-token\n");
        tokenFile.toFile().deleteOnExit();
    }

    static Run run(String... args) {
        List<String> all = new ArrayList<>(List.of("--url", "http://127.0.0.1:" + RestAssured.port, "--token-file",
                tokenFile.toString()));
        all.addAll(List.of(args));
        return runRaw(Map.of(), all.toArray(String[]::new));
    }

    static Run runRaw(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Cli.execute(args, new PrintWriter(out), new PrintWriter(err), env);
        return new Run(code, out.toString(), err.toString());
    }

    static void ready() {
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(300)).until(() ->
                run("-o", "json", "health").out().contains("\"done\" : true"));
    }

    @Test
    void everyCommandAnswersAsATableThatFitsAndAsJson() throws Exception {
        ready();
        String[][] commands = {{"health"}, {"performance-stats"}, {"maintenance-status"}, {"maintenance-history"},
                {"run-maintenance", "update_statistics", "--dry-run"}, {"analyze-indexes"},
                {"create-recommended-indexes", "--dry-run"}, {"replica-status"}, {"replica-health-check", "r1"},
                {"replica-health-check", "--all"}, {"alerts"}, {"silence", "list"}, {"partitions-status"}, {"rights"},
                {"blocking"}, {"waits", "--window", "5m"}, {"vacuum-status"}, {"capacity"}};
        Path examples = Path.of("target", "cli-examples");
        Files.createDirectories(examples);
        for (String[] c : commands) {
            Run r = run(c);
            assertThat(r.exit()).as(String.join(" ", c) + ": " + r.err()).isZero();
            // what each command printed, kept for the README's examples
            Files.writeString(examples.resolve(String.join("_", c).replace("-", "") + ".txt"),
                    "$ pgsidecar " + String.join(" ", c) + "\n" + r.out());
            assertThat(r.out()).as(String.join(" ", c)).isNotBlank();
            for (String line : r.out().split("\n")) {
                assertThat(line.length()).as(String.join(" ", c) + " line: " + line).isLessThanOrEqualTo(Table.WIDTH);
            }
            List<String> json = new ArrayList<>(List.of("-o", "json"));
            json.addAll(List.of(c));
            Run j = run(json.toArray(String[]::new));
            assertThat(j.exit()).isZero();
            JsonNode data = new ObjectMapper().readTree(j.out());
            assertThat(data).as(String.join(" ", c)).isNotNull();
        }
        assertThat(run("replica-status").out()).contains("NAME").contains("r1");
        assertThat(run("partitions-status").out()).contains("public.logs");
        assertThat(run("maintenance-status").out()).contains("update_statistics");
        assertThat(run("rights").out()).contains("acting role").contains("performance/reset");
        // grants prints SQL to run as it is, not a table
        Run grants = run("grants");
        assertThat(grants.exit()).as(grants.err()).isZero();
        assertThat(grants.out()).contains("GRANT pg_monitor TO").contains("CREATE ROLE pgsidecar_actor LOGIN");
        Files.writeString(examples.resolve("grants.txt"), "$ pgsidecar grants\n" + grants.out());
    }

    @Test
    void terminateIsADryRunUntilTheSessionsStartIsGiven() throws Exception {
        ready();
        try (java.sql.Connection c = PgTestResource.cluster().connect(
                org.eclipse.microprofile.config.ConfigProvider.getConfig().getValue("pgsidecar.test.database",
                        String.class), "cli-victim");
             java.sql.Statement s = c.createStatement(); java.sql.ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            String pid = rs.getString(1);
            Run dry = run("terminate-session", pid, "--reason", "cli test");
            assertThat(dry.exit()).as(dry.err()).isZero();
            assertThat(dry.out()).contains("cli-victim").contains("dry run: nothing was signalled")
                    .contains("pgsidecar terminate-session " + pid + " --backend-start ");
            Files.createDirectories(Path.of("target", "cli-examples"));
            Files.writeString(Path.of("target", "cli-examples", "terminatesession.txt"),
                    "$ pgsidecar terminate-session " + pid + "\n" + dry.out());
            // a start that is not the session's signals nothing
            Run wrong = run("terminate-session", pid, "--backend-start", "2000-01-01T00:00:00.000000Z");
            assertThat(wrong.exit()).isEqualTo(1);
            assertThat(wrong.err()).contains("is not the one judged");
            assertThat(c.isValid(2)).isTrue();
        }
    }

    @Test
    void theDocumentedNamesAreAliasesAndSilencesCanBeAddedListedAndExpired() {
        ready();
        assertThat(run("db_replica_status").exit()).isZero();
        assertThat(run("db_maintenance_status").exit()).isZero();
        assertThat(run("db_performance_stats").exit()).isZero();
        Run added = run("silence", "add", "-m", "alertname=SlowQuery", "--duration", "1h", "--comment", "cli test");
        assertThat(added.exit()).as(added.err()).isZero();
        assertThat(added.out()).startsWith("silence ");
        String id = added.out().split("\\s+")[1];
        assertThat(run("silence", "list").out()).contains("cli test");
        Run expired = run("silence", "expire", id);
        assertThat(expired.exit()).as(expired.err()).isZero();
        assertThat(run("silence", "list").out()).doesNotContain("cli test");
    }

    @Test
    void exitCodesSayWhatWentWrong() {
        ready();
        Run unknownReplica = run("replica-health-check", "nope");
        assertThat(unknownReplica.exit()).isEqualTo(Cli.AGENT_ERROR);
        assertThat(unknownReplica.err()).contains("not_found");
        assertThat(run("run-maintenance", "no_such_task").exit()).isEqualTo(Cli.AGENT_ERROR);
        assertThat(run("no-such-command").exit()).isEqualTo(Cli.USAGE);
        assertThat(run("alerts", "--limit", "x").exit()).isEqualTo(Cli.USAGE);
        assertThat(runRaw(Map.of("PGSIDECAR_ADMIN_TOKEN", "wrong"), "--url", "http://127.0.0.1:" + RestAssured.port,
                "health").exit()).isEqualTo(Cli.UNREACHABLE);
        assertThat(runRaw(Map.of("PGSIDECAR_ADMIN_TOKEN", "test-token"), "--url", "http://127.0.0.1:1", "health")
                .exit()).isEqualTo(Cli.UNREACHABLE);
        Run noToken = runRaw(Map.of(), "--url", "http://127.0.0.1:" + RestAssured.port, "health");
        assertThat(noToken.exit()).isEqualTo(Cli.UNREACHABLE);
        assertThat(noToken.err()).contains("no admin token");
        // inside the pod: the agent's own configuration, no flags
        Run inPod = runRaw(Map.of("PGSIDECAR_ADMIN_TOKEN", "test-token", "QUARKUS_HTTP_PORT",
                String.valueOf(RestAssured.port)), "health");
        assertThat(inPod.exit()).as(inPod.err()).isZero();
    }

    @Test
    void helpAndCompletionNeedNoAgent() {
        Run help = runRaw(Map.of(), "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("replica-status").contains("db_replica_status").contains("Exit codes");
        Run completion = runRaw(Map.of(), "generate-completion");
        assertThat(completion.exit()).isZero();
        assertThat(completion.out()).contains("complete -F");
        assertThat(Cli.isCommand(new String[0])).isFalse();
        assertThat(Cli.isCommand(new String[] {"-Dquarkus.http.host=0.0.0.0"})).isFalse();
        assertThat(Cli.isCommand(new String[] {"health"})).isTrue();
    }
}
