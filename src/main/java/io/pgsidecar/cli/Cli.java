package io.pgsidecar.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * The {@code pgsidecar} command line: the same executable as the agent, run with a command. It talks
 * to the running agent's admin API (audited like any call) and never starts the agent itself. The
 * port and the admin token come from the agent's own configuration (environment, system properties,
 * application.properties), so inside the pod it needs no flags; {@code --url} and
 * {@code --token-file} serve a laptop with {@code kubectl port-forward}.
 */
@Command(name = "pgsidecar", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        description = "Asks the running pgsidecar agent. Without a command, runs the agent.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:ok", "1:the agent reported an error (its message is printed)", "2:usage",
                "3:agent unreachable or unauthorized"},
        subcommands = {Cli.Health.class, Cli.PerformanceStats.class, Cli.MaintenanceStatus.class,
                Cli.MaintenanceHistory.class, Cli.RunMaintenance.class, Cli.AnalyzeIndexes.class,
                Cli.CreateRecommendedIndexes.class, Cli.ReplicaStatus.class, Cli.ReplicaHealthCheck.class,
                Cli.Alerts.class, Cli.Silences.class, Cli.PartitionsStatus.class, Cli.Rights.class, Cli.Grants.class,
                Cli.Blocking.class, Cli.Waits.class, Cli.CancelSession.class, Cli.TerminateSession.class,
                Cli.VacuumStatus.class, Cli.Capacity.class, Cli.PlanHistory.class,
                AutoComplete.GenerateCompletion.class})
public class Cli {

    static final int OK = 0;
    static final int AGENT_ERROR = 1;
    static final int USAGE = 2;
    static final int UNREACHABLE = 3;

    @Option(names = "--url", description = "The agent's base URL (default: http://127.0.0.1:<the agent's HTTP port>)")
    String url;

    @Option(names = "--token-file", description = "A file holding the admin token (default: the agent's own "
            + "PGSIDECAR_ADMIN_TOKEN or PGSIDECAR_ADMIN_TOKEN_FILE)")
    Path tokenFile;

    @Option(names = {"-o", "--output"}, defaultValue = "table", description = "table (default) or json (the API's data)")
    String output;

    @Option(names = "--timeout", defaultValue = "60s", description = "How long to wait for an answer (default 60s)")
    String timeout;

    private Map<String, String> env = System.getenv();
    private PrintWriter out;
    private PrintWriter err;

    /** Runs one command line and returns its exit code. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err, Map<String, String> env) {
        Cli cli = new Cli();
        cli.env = env;
        cli.out = out;
        cli.err = err;
        CommandLine cmd = new CommandLine(cli);
        cmd.setOut(out);
        cmd.setErr(err);
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        cmd.setExecutionExceptionHandler((e, line, parsed) -> {
            err.println("pgsidecar: " + e.getMessage());
            return e instanceof Unusable ? UNREACHABLE : e instanceof CommandLine.ParameterException ? USAGE : AGENT_ERROR;
        });
        int code = cmd.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** Whether these arguments ask for a command (anything but JVM-style -D/-X options and nothing). */
    public static boolean isCommand(String[] args) {
        for (String a : args) {
            if (!a.startsWith("-D") && !a.startsWith("-X")) {
                return true;
            }
        }
        return false;
    }

    /** The agent cannot be reached with what is configured (no token, say). */
    static final class Unusable extends RuntimeException {
        Unusable(String message) {
            super(message);
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Cli.class.getPackage() == null ? null : Cli.class.getPackage().getImplementationVersion();
            return new String[] {"pgsidecar " + (v == null ? "(development build)" : v)};
        }
    }

    // ----------------------------------------------------------------------------- configuration

    AgentClient client() {
        Duration t;
        try {
            t = Duration.parse("PT" + timeout.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (RuntimeException e) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--timeout '" + timeout
                    + "': expected a duration such as 30s or 2m");
        }
        return new AgentClient(url != null ? url : "http://127.0.0.1:" + port(), token(), t);
    }

    private String setting(String key) {
        String v = System.getProperty(key);
        if (v == null) {
            v = env.get(key.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "_"));
        }
        return v == null || v.isBlank() ? null : v.trim();
    }

    private String port() {
        String p = setting("quarkus.http.port");
        if (p != null) {
            return p;
        }
        Properties props = new Properties();
        try (InputStream in = Cli.class.getClassLoader().getResourceAsStream("application.properties")) {
            if (in != null) {
                props.load(in);
            }
        } catch (IOException ignored) {
            // the default port then
        }
        return props.getProperty("quarkus.http.port", "9188").trim();
    }

    private String token() {
        if (tokenFile != null) {
            return read(tokenFile);
        }
        String t = setting("pgsidecar.admin.token");
        if (t != null) {
            return t;
        }
        String file = setting("pgsidecar.admin.token-file");
        if (file != null) {
            return read(Path.of(file));
        }
        throw new Unusable("no admin token: the agent's PGSIDECAR_ADMIN_TOKEN or PGSIDECAR_ADMIN_TOKEN_FILE is not set "
                + "here; pass --token-file");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new Unusable("the token file " + file + " cannot be read: " + e.getMessage());
        }
    }

    /** Prints the answer: its data as JSON with -o json, else through {@code table}; returns the exit code. */
    int show(AgentClient.Answer a, java.util.function.Consumer<JsonNode> table) {
        if (!a.ok()) {
            err.println("pgsidecar: " + a.error());
            return a.exit();
        }
        if ("json".equalsIgnoreCase(output)) {
            out.println(AgentClient.json(a.data()));
        } else {
            table.accept(a.data());
        }
        return OK;
    }

    static String q(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    // ----------------------------------------------------------------------------- commands

    @Command(name = "rights", description = "Who observes and who acts, and which action of each feature the "
            + "acting role's rights allow now (what it lacks, with the GRANT that gives it).")
    static class Rights implements Callable<Integer> {
        @ParentCommand
        Cli cli;

        @Override
        public Integer call() {
            return cli.show(cli.client().get("/rights"), d -> {
                Table.fields(cli.out, d, List.of(new String[] {"observing login", "observing_login"},
                        new String[] {"plans", "plans"}, new String[] {"acting role", "acting_role"},
                        new String[] {"acting form", "form"}));
                com.fasterxml.jackson.databind.node.ArrayNode rows =
                        com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
                for (JsonNode f : d.path("features")) {
                    for (JsonNode a : f.path("actions")) {
                        List<String> lacking = new ArrayList<>();
                        a.path("lacking").forEach(n -> lacking.add(n.asText()));
                        rows.addObject()
                                .put("feature", f.path("feature").asText() + (f.path("enabled").asBoolean() ? "" : " (off)"))
                                .put("action", a.path("action").asText())
                                .put("possible", a.path("possible").asBoolean() ? "yes" : "no")
                                .put("lacking", String.join("; ", lacking));
                    }
                }
                Table.print(cli.out, rows, List.of(Table.col("FEATURE", "feature", 16), Table.col("ACTION", "action", 30),
                        Table.col("POSSIBLE", "possible", 8), Table.col("LACKING", "lacking", 100)));
            });
        }
    }

    @Command(name = "grants", description = "The SQL that creates the agent's observing and acting roles with the "
            + "rights the enabled features need on this server; run it as a superuser (psql -f).")
    static class Grants implements Callable<Integer> {
        @ParentCommand
        Cli cli;

        @Override
        public Integer call() {
            return cli.show(cli.client().get("/rights"), d -> cli.out.print(d.path("grants").asText()));
        }
    }

    @Command(name = "health", description = "The agent's health report: overall state, reasons, server, pool, leader.")
    static class Health implements Callable<Integer> {
        @ParentCommand
        Cli cli;

        @Override
        public Integer call() {
            return cli.show(cli.client().get("/health"), d -> {
                List<String[]> rows = new ArrayList<>();
                d.fieldNames().forEachRemaining(f -> rows.add(new String[] {f, f}));
                Table.fields(cli.out, d, rows);
            });
        }
    }

    @Command(name = "performance-stats", aliases = "db_performance_stats",
            description = "The top statements of the last interval by total time.")
    static class PerformanceStats implements Callable<Integer> {
        @ParentCommand
        Cli cli;

        @Option(names = "--limit", defaultValue = "20", description = "Statements shown (default 20)")
        int limit;

        @Option(names = "--include-agent", description = "Also list the agent's own statements")
        boolean includeAgent;

        @Override
        public Integer call() {
            return cli.show(cli.client().get("/performance/stats?limit=" + limit + (includeAgent ? "&include_agent=true"
                    : "")), d -> {
                Table.line(cli.out, "interval: ", Table.text(d.path("interval").path("captured_at")) + ", "
                        + Table.text(d.path("interval").path("seconds")) + " s");
                Table.print(cli.out, d.path("query_statistics"), List.of(Table.col("QUERYID", "queryid", 20),
                        Table.col("CALLS", "calls", 10), Table.col("TOTAL_MS", "total_ms", 11),
                        Table.col("MEAN_MS", "mean_ms", 9), Table.col("QUERY", "query", 100)));
                JsonNode own = d.path("analysis").path("agent_own");
                if (!includeAgent && own.path("statements").asInt() > 0) {
                    cli.out.println("the agent's own: " + own.path("statements").asInt() + " statements, "
                            + String.format(java.util.Locale.ROOT, "%.1f ms", own.path("total_ms").asDouble())
                            + " (not listed; --include-agent lists them)");
                }
            });
        }
    }

    @Command(name = "maintenance-status", aliases = "db_maintenance_status",
            description = "Each maintenance task: scheduled, next run, last run, what it would pick now.")
    static class MaintenanceStatus implements Callable<Integer> {
        @ParentCommand
        Cli cli;

        @Override
        public Integer call() {
            return cli.show(cli.client().get("/maintenance/status"), d -> Table.print(cli.out, d.path("tasks"), List.of(
                    Table.col("TASK", "task", 18), Table.col("SCHEDULED", "scheduled", 9),
                    Table.col("SCHEDULE", "schedule", 16), Table.col("NEXT_RUN", "next_run", 20),
                    Table.col("LAST", "last_run.outcome", 11), Table.col("CANDIDATES", "candidates.target", 100))));
        }
    }

    @Command(name = "maintenance-history", aliases = "db_maintenance_history",
            description = "Maintenance runs, newest first.")
    static class MaintenanceHistory implements Callable<Integer> {
        @ParentCommand
        Cli cli;

        @Option(names = "--task", description = "Only this task")
        String task;

        @Option(names = "--limit", defaultValue = "20", description = "Runs shown (default 20)")
        int limit;

        @Override
        public Integer call() {
            String path = "/maintenance/runs?limit=" + limit + (task == null ? "" : "&task=" + q(task));
            return cli.show(cli.client().get(path), d -> Table.print(cli.out, d, List.of(Table.col("ID", "id", 6),
                    Table.col("TASK", "task", 18), Table.col("TRIGGER", "trigger", 9), Table.col("OUTCOME", "outcome", 11),
                    Table.col("STARTED", "started_at", 20), Table.col("SECONDS", "duration_seconds", 8),
                    Table.col("DONE", "items_done", 5), Table.col("ERROR", "error", 100))));
        }
    }

    @Command(name = "run-maintenance", aliases = "db_run_maintenance",
            description = "Runs a maintenance task now (update_statistics, vacuum, maintain_indexes, cleanup_old_data, "
                    + "connection_health, housekeeping), or shows its plan with --dry-run.")
    static class RunMaintenance implements Callable<Integer> {
        @ParentCommand
        Cli cli;

        @Parameters(index = "0", paramLabel = "TASK")
        String task;

        @Option(names = "--dry-run", description = "Show the plan (each item's exact SQL); change nothing")
        boolean dryRun;

        @Option(names = "--table", description = "Only these tables (schema.table); repeatable")
        List<String> tables;

        @Option(names = "--reason", description = "Why, for the audit log")
        String reason;

        @Override
        public Integer call() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("dry_run", dryRun);
            if (tables != null) {
                body.put("tables", tables);
            }
            if (reason != null) {
                body.put("reason", reason);
            }
            return cli.show(cli.client().post("/maintenance/tasks/" + q(task) + "/run", body), d -> {
                if (d.hasNonNull("run_id")) {
                    Table.line(cli.out, "", "run " + d.path("run_id").asText() + " of " + task
                            + " started; follow it with: pgsidecar maintenance-history --task " + task);
                }
                if (d.path("items").isArray()) {
                    Table.print(cli.out, d.path("items"), List.of(Table.col("TARGET", "target", 40),
                            Table.col("ACTION", "action", 16), Table.col("SQL", "sql", 100)));
                }
            });
        }
    }

    @Command(name = "analyze-indexes", aliases = "db_analyze_indexes",
            description = "Index recommendations, unused, duplicate, invalid and bloated indexes, the maintenance plan.")
    static class AnalyzeIndexes implements Callable<Integer> {
        @ParentCommand
        Cli cli;

        @Option(names = "--refresh", description = "Recompute now instead of the cached analysis")
        boolean refresh;

        @Override
        public Integer call() {
            return cli.show(cli.client().get("/indexes/analysis?refresh=" + refresh), d -> {
                Table.line(cli.out, "analysis of ", Table.text(d.path("computed_at")) + " ("
                        + Table.text(d.path("age_seconds")) + " s old), HypoPG " + d.path("hypopg").asText());
                cli.out.printf("unused %d, duplicate %d, invalid %d, bloated %d%n", d.path("unused_indexes").size(),
                        d.path("duplicate_indexes").size(), d.path("invalid_indexes").size(),
                        d.path("bloated_indexes").size());
                if (d.hasNonNull("note")) {
                    Table.line(cli.out, "note: ", d.path("note").asText());
                }
                cli.out.println();
                Table.print(cli.out, d.path("recommendations"), List.of(Table.col("PRIORITY", "priority", 8),
                        Table.col("ID", "id", 12), Table.col("VALID", "validated", 5),
                        Table.col("MS/H", "ms_per_hour_saved", 10), Table.col("SQL", "sql", 100)));
                cli.out.println();
                Table.print(cli.out, d.path("maintenance_plan"), List.of(Table.col("STEP", "step", 4),
                        Table.col("ACTION", "action", 7), Table.col("SQL", "sql", 100)));
            });
        }
    }

    @Command(name = "create-recommended-indexes", aliases = "db_create_recommended_indexes",
            description = "Builds the current recommendations from a priority up, one at a time, concurrently.")
    static class CreateRecommendedIndexes implements Callable<Integer> {
        @ParentCommand
        Cli cli;

        @Option(names = "--priority", defaultValue = "high", description = "high (default), medium or low")
        String priority;

        @Option(names = "--dry-run", description = "List what would be built; build nothing")
        boolean dryRun;

        @Override
        public Integer call() {
            return cli.show(cli.client().post("/indexes/create-recommended?priority=" + q(priority) + "&dry_run="
                    + dryRun, Map.of()), d -> Table.print(cli.out, d, List.of(Table.col("PRIORITY", "priority", 8),
                    Table.col("BUILD", "build_id", 6), Table.col("SQL", "sql", 100))));
        }
    }

    private static final List<Table.Column> REPLICA_COLUMNS = List.of(Table.col("NAME", "name", 16),
            Table.col("HEALTHY", "healthy", 7), Table.col("CHECK", "check_passed", 5), Table.col("LAG_S", "lag_seconds", 8),
            Table.col("LAG_BYTES", "lag_bytes", 10), Table.col("PROBLEMS", "problems", 100));

    @Command(name = "replica-status", aliases = "db_replica_status",
            description = "Every configured replica: health, lag, problems.")
    static class ReplicaStatus implements Callable<Integer> {
        @ParentCommand
        Cli cli;

        @Override
        public Integer call() {
            return cli.show(cli.client().get("/replicas/status"), d -> {
                Table.line(cli.out, "load balancing: ", Table.text(d.path("load_balancing")) + ", polled "
                        + Table.text(d.path("captured_at")));
                Table.print(cli.out, d.path("replicas"), REPLICA_COLUMNS);
            });
        }
    }

    @Command(name = "replica-health-check", aliases = "db_replica_health_check",
            description = "A live check of one replica now, or of all of them.")
    static class ReplicaHealthCheck implements Callable<Integer> {
        @ParentCommand
        Cli cli;

        @Parameters(index = "0", arity = "0..1", paramLabel = "NAME")
        String name;

        @Option(names = "--all", description = "Every configured replica (the default without a name)")
        boolean all;

        @Override
        public Integer call() {
            AgentClient c = cli.client();
            List<String> names = new ArrayList<>();
            if (name != null && !all) {
                names.add(name);
            } else {
                AgentClient.Answer status = c.get("/replicas/status");
                if (!status.ok()) {
                    return cli.show(status, d -> { });
                }
                status.data().path("replicas").forEach(r -> names.add(r.path("name").asText()));
            }
            com.fasterxml.jackson.databind.node.ArrayNode results =
                    com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
            for (String n : names) {
                AgentClient.Answer a = c.post("/replicas/" + q(n) + "/health", null);
                if (!a.ok()) {
                    return cli.show(a, d -> { });
                }
                results.add(a.data());
            }
            return cli.show(new AgentClient.Answer(OK, results, null), d -> Table.print(cli.out, d, REPLICA_COLUMNS));
        }
    }

    @Command(name = "alerts", description = "Alerts, open ones first.")
    static class Alerts implements Callable<Integer> {
        @ParentCommand
        Cli cli;

        @Option(names = "--state", defaultValue = "all", description = "firing, pending, resolved or all (default)")
        String state;

        @Option(names = "--limit", defaultValue = "50", description = "Alerts shown (default 50)")
        int limit;

        @Override
        public Integer call() {
            return cli.show(cli.client().get("/alerts?state=" + q(state) + "&limit=" + limit), d -> Table.print(cli.out, d,
                    List.of(Table.col("ALERT", "alertname", 26), Table.col("SEVERITY", "severity", 8),
                            Table.col("STATE", "state", 8), Table.col("SUMMARY", "summary", 100))));
        }
    }

    @Command(name = "silence", description = "Silences: add, list, expire.",
            subcommands = {SilenceAdd.class, SilenceList.class, SilenceExpire.class})
    static class Silences {
        @ParentCommand
        Cli cli;
    }

    @Command(name = "add", description = "Silences the alerts that match every matcher, for a while.")
    static class SilenceAdd implements Callable<Integer> {
        @ParentCommand
        Silences parent;

        @Option(names = {"-m", "--matcher"}, required = true, description = "label=value, or label=~regex; repeatable")
        List<String> matchers;

        @Option(names = "--duration", defaultValue = "2h", description = "How long (default 2h)")
        String duration;

        @Option(names = "--comment", required = true, description = "Why (recorded with the silence)")
        String comment;

        @Option(names = "--dry-run", description = "Check it and list the open alerts it would match; store nothing")
        boolean dryRun;

        @Override
        public Integer call() {
            List<Map<String, Object>> ms = new ArrayList<>();
            for (String m : matchers) {
                int eq = m.indexOf('=');
                if (eq <= 0) {
                    throw new CommandLine.ParameterException(new CommandLine(this), "--matcher '" + m
                            + "': expected label=value or label=~regex");
                }
                boolean regex = m.startsWith("=~", eq);
                ms.add(Map.of("name", m.substring(0, eq), "value", m.substring(eq + (regex ? 2 : 1)), "is_regex", regex));
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("matchers", ms);
            body.put("duration", duration);
            body.put("comment", comment);
            body.put("dry_run", dryRun);
            Cli cli = parent.cli;
            return cli.show(cli.client().post("/alerts/silences", body), d -> cli.out.println(d.hasNonNull("silence")
                    ? "silence " + d.path("silence").path("id").asText() + " until "
                            + d.path("silence").path("ends_at").asText()
                    : AgentClient.json(d)));
        }
    }

    @Command(name = "list", description = "Active silences.")
    static class SilenceList implements Callable<Integer> {
        @ParentCommand
        Silences parent;

        @Override
        public Integer call() {
            Cli cli = parent.cli;
            return cli.show(cli.client().get("/alerts/silences"), d -> Table.print(cli.out, d, List.of(
                    Table.col("ID", "id", 6), Table.col("ENDS", "ends_at", 24), Table.col("BY", "created_by", 20),
                    Table.col("MATCHERS", "matchers", 30), Table.col("COMMENT", "comment", 100))));
        }
    }

    @Command(name = "expire", description = "Ends a silence now.")
    static class SilenceExpire implements Callable<Integer> {
        @ParentCommand
        Silences parent;

        @Parameters(index = "0", paramLabel = "ID")
        long id;

        @Override
        public Integer call() {
            Cli cli = parent.cli;
            return cli.show(cli.client().delete("/alerts/silences/" + id), d -> cli.out.println("silence " + id
                    + " expired"));
        }
    }

    @Command(name = "partitions-status", description = "Every partitioned table: managed by, partitions, runway, "
            + "default rows, last job.")
    static class PartitionsStatus implements Callable<Integer> {
        @ParentCommand
        Cli cli;

        @Override
        public Integer call() {
            return cli.show(cli.client().get("/partitions/status"), d -> {
                cli.out.println("partitioning " + (d.path("enabled").asBoolean() ? "enabled" : "off (PARTITIONING_ENABLED)"));
                Table.print(cli.out, d.path("tables"), List.of(Table.col("TABLE", "table", 30),
                        Table.col("MANAGED_BY", "managed_by", 10), Table.col("PARTS", "partition_count", 5),
                        Table.col("RUNWAY", "runway_intervals", 6), Table.col("DEFAULT_ROWS", "default_rows", 12),
                        Table.col("LAST_JOB", "last_job.outcome", 100)));
            });
        }
    }

    @Command(name = "blocking", description = "Who blocks whom: each root blocker with the sessions waiting on it, "
            + "indented under the session each waits for; the lock waits; the deadlocks.")
    static class Blocking implements Callable<Integer> {
        @ParentCommand
        Cli cli;

        @Override
        public Integer call() {
            return cli.show(cli.client().get("/activity/blocking"), d -> {
                Table.line(cli.out, "", Table.text(d.path("waiting")) + " session(s) waiting on a lock, "
                        + d.path("chains").size() + " root blocker(s), deadlocks in the last hour "
                        + Table.text(d.at("/deadlocks/last_hour")) + "; read " + Table.text(d.path("captured_at")));
                com.fasterxml.jackson.databind.node.ArrayNode rows =
                        com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
                d.path("chains").forEach(c -> tree(c.path("root"), 0, rows));
                Table.print(cli.out, rows, List.of(Table.col("PID", "tree", 16), Table.col("APPLICATION",
                        "application_name", 20), Table.col("STATE", "state", 20), Table.col("WAITING_FOR", "waiting_for", 40),
                        Table.col("WAITED_S", "wait_seconds", 9), Table.col("TX_AGE_S", "transaction_age_seconds", 9),
                        Table.col("BACKEND_START", "backend_start", 27), Table.col("QUERY", "query", 80)));
            });
        }

        private static void tree(JsonNode node, int depth, com.fasterxml.jackson.databind.node.ArrayNode rows) {
            com.fasterxml.jackson.databind.node.ObjectNode r = node.deepCopy();
            r.remove("waiters");
            r.put("tree", "  ".repeat(depth) + node.path("pid").asText());
            rows.add(r);
            node.path("waiters").forEach(w -> tree(w, depth + 1, rows));
        }
    }

    @Command(name = "waits", description = "What the sessions waited for over a window (sampled every second by the "
            + "leader): top waits, by application, by statement.")
    static class Waits implements Callable<Integer> {
        @ParentCommand
        Cli cli;

        @Option(names = "--window", defaultValue = "15m", description = "How far back: 30s, 5m, 1h (default 15m)")
        String window;

        @Option(names = "--limit", defaultValue = "10", description = "Rows in each list (default 10)")
        int limit;

        @Override
        public Integer call() {
            return cli.show(cli.client().get("/activity/waits?window=" + q(window) + "&limit=" + limit), d -> {
                if (!d.path("sampled_here").asBoolean()) {
                    Table.line(cli.out, "", "this agent does not sample (a follower, or the feature is off): ask the "
                            + "leader");
                    return;
                }
                Table.line(cli.out, "", String.format(java.util.Locale.ROOT, "%.2f active sessions on average over %d "
                        + "samples since %s", d.path("average_active_sessions").asDouble(), d.path("samples").asInt(),
                        Table.text(d.path("from"))));
                Table.print(cli.out, d.path("wait_events"), List.of(Table.col("CLASS", "wait_class", 18),
                        Table.col("EVENT", "wait_event", 24), Table.col("SESSIONS", "average_sessions", 9),
                        Table.col("SHARE", "share", 7)));
                Table.print(cli.out, topWait(d.path("by_application")), List.of(Table.col("APPLICATION",
                        "application_name", 30), Table.col("SESSIONS", "average_sessions", 9),
                        Table.col("TOP_WAIT", "top_wait", 40)));
                Table.print(cli.out, topWait(d.path("by_query_id")), List.of(Table.col("QUERY_ID", "query_id", 20),
                        Table.col("SESSIONS", "average_sessions", 9), Table.col("TOP_WAIT", "top_wait", 30),
                        Table.col("QUERY", "query", 80)));
            });
        }
    }

    /** Rows with their first wait as {@code top_wait} ({@code Lock:transactionid}). */
    static JsonNode topWait(JsonNode rows) {
        com.fasterxml.jackson.databind.node.ArrayNode out =
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
        rows.forEach(r -> {
            com.fasterxml.jackson.databind.node.ObjectNode o = r.deepCopy();
            JsonNode w = r.path("wait_events").path(0);
            o.put("top_wait", w.path("wait_class").asText("") + (w.path("wait_event").isTextual()
                    ? ":" + w.path("wait_event").asText() : ""));
            out.add(o);
        });
        return out;
    }

    /** Cancel and terminate: a dry run unless the session's start is given, as the dry run prints it. */
    abstract static class Signal implements Callable<Integer> {
        @ParentCommand
        Cli cli;

        @Parameters(index = "0", paramLabel = "PID")
        int pid;

        @Option(names = "--backend-start", description = "The session's start, as the dry run printed it: without "
                + "it, only the dry run is made")
        String backendStart;

        @Option(names = "--dry-run", description = "Only show the session and the statement")
        boolean dryRun;

        @Option(names = "--force", description = "Signal one of the refused kinds anyway: agent_session, replication, "
                + "wraparound_autovacuum; repeatable")
        List<String> force;

        @Option(names = "--reason", description = "Why, for the audit log")
        String reason;

        abstract String action();

        @Override
        public Integer call() {
            boolean dry = dryRun || backendStart == null;
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("dry_run", dry);
            if (backendStart != null) {
                body.put("backend_start", backendStart);
            }
            if (force != null) {
                body.put("force", force);
            }
            if (reason != null) {
                body.put("reason", reason);
            }
            return cli.show(cli.client().post("/activity/sessions/" + pid + "/" + action(), body), d -> {
                JsonNode s = d.path("session");
                Table.line(cli.out, "session:  ", "pid " + Table.text(s.path("pid")) + " of "
                        + Table.text(s.path("application_name")) + " (user " + Table.text(s.path("user")) + ", "
                        + Table.text(s.path("state")) + "), started " + Table.text(s.path("backend_start")));
                Table.line(cli.out, "query:    ", Table.text(s.path("query")));
                Table.line(cli.out, "sql:      ", Table.text(d.path("sql")));
                if (d.path("signalled").asBoolean()) {
                    Table.line(cli.out, "", action() + " sent");
                } else {
                    Table.line(cli.out, "", "dry run: nothing was signalled; " + Table.text(d.path("next")));
                    Table.line(cli.out, "to do it: ", "pgsidecar " + action() + "-session " + pid + " --backend-start "
                            + Table.text(s.path("backend_start")) + (force == null ? "" : force.stream()
                            .map(f -> " --force " + f).collect(java.util.stream.Collectors.joining())));
                }
            });
        }
    }

    @Command(name = "cancel-session", description = "Cancels a session's statement: a dry run first; with the "
            + "--backend-start it prints, the cancel itself (re-checked, so a reused pid is never signalled).")
    static class CancelSession extends Signal {
        @Override
        String action() {
            return "cancel";
        }
    }

    @Command(name = "terminate-session", description = "Ends a session: a dry run first; with the --backend-start "
            + "it prints, the terminate itself (re-checked, so a reused pid is never signalled).")
    static class TerminateSession extends Signal {
        @Override
        String action() {
            return "terminate";
        }
    }

    @Command(name = "vacuum-status", description = "Vacuums running now with their progress, the tables autovacuum "
            + "owes most, and the transaction-id and multixact ages with the time to the limit.")
    static class VacuumStatus implements Callable<Integer> {
        @ParentCommand
        Cli cli;

        @Override
        public Integer call() {
            return cli.show(cli.client().get("/activity/vacuum"), d -> {
                for (String kind : List.of("xid", "multixact")) {
                    JsonNode e = d.at("/wraparound/" + kind);
                    Table.line(cli.out, kind + ": ", "oldest age " + Table.text(e.path("oldest_age")) + " ("
                            + Table.text(e.path("oldest_database")) + ") of " + Table.text(e.path("limit"))
                            + "; " + (e.path("reaches_limit_at").isTextual() ? "limit at "
                            + e.path("reaches_limit_at").asText() + " at " + String.format(java.util.Locale.ROOT,
                            "%.2f/s", e.path("per_second").asDouble()) : "no rate measured yet"));
                }
                Table.print(cli.out, d.at("/vacuum/running"), List.of(Table.col("PID", "pid", 8),
                        Table.col("RELATION", "relation", 30), Table.col("AUTO", "autovacuum", 5),
                        Table.col("WRAPAROUND", "to_prevent_wraparound", 10), Table.col("PHASE", "phase", 24),
                        Table.col("SCANNED", "scanned_ratio", 8), Table.col("RUNNING_S", "running_seconds", 10)));
                Table.print(cli.out, d.at("/vacuum/overdue"), List.of(Table.col("TABLE", "table", 40),
                        Table.col("DEAD", "dead_rows", 12), Table.col("THRESHOLD", "threshold", 12),
                        Table.col("RATIO", "ratio", 8), Table.col("SINCE_VACUUM_S", "seconds_since_vacuum", 14)));
            });
        }
    }

    @Command(name = "capacity", description = "What runs out: sequences against their limit with a date, table "
            + "bloat, database size and WAL rate, replication slots, checkpoints.")
    static class Capacity implements Callable<Integer> {
        @ParentCommand
        Cli cli;

        @Override
        public Integer call() {
            AgentClient c = cli.client();
            AgentClient.Answer io = c.get("/activity/io");
            if (!io.ok()) {
                return cli.show(io, d -> { });
            }
            return cli.show(c.get("/activity/capacity"), d -> {
                Table.line(cli.out, "database size: ", Table.text(d.at("/database_size/current")) + " bytes, "
                        + Table.text(d.at("/database_size/per_day")) + " bytes/day");
                Table.line(cli.out, "WAL: ", Table.text(d.at("/wal/per_second")) + " bytes/s");
                JsonNode cp = io.data().path("checkpoints");
                Table.line(cli.out, "checkpoints: ", "last hour " + Table.text(cp.path("timed_last_hour")) + " timed, "
                        + Table.text(cp.path("requested_last_hour")) + " requested");
                Table.print(cli.out, d.path("sequences"), List.of(Table.col("SEQUENCE", "sequence", 36),
                        Table.col("USED", "used_ratio", 6), Table.col("LIMIT_BY", "limited_by", 8),
                        Table.col("COLUMN", "column", 16), Table.col("EXHAUSTED_AT", "exhausted_at", 30)));
                Table.print(cli.out, d.path("bloat"), List.of(Table.col("TABLE", "table", 40),
                        Table.col("BYTES", "bytes", 14), Table.col("WASTED", "wasted_bytes", 14),
                        Table.col("RATIO", "ratio", 8)));
            });
        }
    }

    @Command(name = "plan-history", description = "The shapes a statement's generic plan took, newest first, with what "
            + "changed from the one before.")
    static class PlanHistory implements Callable<Integer> {
        @ParentCommand
        Cli cli;

        @Parameters(index = "0", paramLabel = "QUERYID")
        String queryid;

        @Option(names = "--limit", defaultValue = "10", description = "Shapes shown (default 10)")
        int limit;

        @Override
        public Integer call() {
            return cli.show(cli.client().get("/performance/queries/" + q(queryid) + "/plans?limit=" + limit), d -> {
                Table.line(cli.out, "query: ", Table.text(d.path("query")));
                if (d.hasNonNull("skipped")) {
                    Table.line(cli.out, "skipped: ", d.path("skipped").asText());
                }
                for (JsonNode v : d.path("plans")) {
                    Table.line(cli.out, "", "shape " + v.path("shape_hash").asText() + ", first seen "
                            + Table.text(v.path("first_seen")) + ", last seen " + Table.text(v.path("last_seen"))
                            + ", cost " + Table.text(v.path("total_cost")));
                    v.path("difference_to_previous").forEach(x -> Table.line(cli.out, "  changed: ", x.asText()));
                    v.path("causes").forEach(x -> Table.line(cli.out, "  cause: ", x.path("detail").asText()
                            + (x.hasNonNull("action") ? "; " + x.path("action").asText() : "")));
                    v.path("shape").forEach(x -> cli.out.println("    " + x.asText()));
                }
            });
        }
    }
}
