package io.pgsidecar.statements;

import io.pgsidecar.testing.Sample;
import io.pgsidecar.testing.PgCluster;
import io.pgsidecar.testing.PgTestResource;
import io.pgsidecar.testing.Workload;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Cost of one steady-state poll against a bare {@code SELECT * FROM pg_stat_statements(false)} on
 * the same server in the same run, with 5,000 and 20,000 distinct statements. Prints figures; it
 * asserts nothing (speed is not a test). Not part of {@code verify}; run it with
 * <pre>./mvnw -B test -Dtest=StatementPollBenchmark</pre>
 *
 * <p>Each round touches 200 statements (so there are deltas to compute and store), then times the
 * bare read and the agent's poll on this thread: wall time, CPU time and bytes allocated. At 20,000
 * the rounds are run again with 50 new query ids each (see {@link #churn}).
 */
@QuarkusTest
@TestProfile(StatementPollBenchmark.Profile.class)
@QuarkusTestResource(value = PgTestResource.class, restrictToAnnotatedClass = true, initArgs = {
        @ResourceArg(name = "own", value = "true"),
        @ResourceArg(name = "settings", value = "pg_stat_statements.max = 25000;pg_stat_statements.track_utility = off")})
class StatementPollBenchmark {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // the production default for texts (tests otherwise read them every poll)
            return Map.of("pgsidecar.statements.interval", "1h", "quarkus.log.category.\"io.pgsidecar\".level", "WARN",
                    "pgsidecar.statements.text-fetch-interval", "1m");
        }
    }

    static final int ROUNDS = 15;
    static final int COLUMNS = 150;

    @Inject
    StatementsPoller poller;

    @Inject
    StatementMetrics metrics;

    @Inject
    io.pgsidecar.db.SchemaMigrator migrator;

    @ConfigProperty(name = "pgsidecar.test.database")
    String database;

    @Test
    void pollCostAgainstABareRead() throws Exception {
        PgCluster pg = PgTestResource.ownCluster();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!migrator.status().done() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        try (Connection c = pg.connect(database)) {
            Workload.wideTable(c, "wide", COLUMNS);
        }
        StringBuilder report = new StringBuilder();
        report.append(String.format("%nPostgreSQL %d, pg_stat_statements poll cost (median of %d rounds)%n",
                pg.majorVersion(), ROUNDS));
        report.append(String.format("%-10s %-22s %10s %10s %12s%n", "entries", "what", "wall ms", "cpu ms", "alloc KiB"));
        int filled = 0;
        for (int target : new int[] {5_000, 20_000}) {
            try (Connection c = pg.connect(database)) {
                Workload.distinctStatements(c, "wide", COLUMNS, filled, target - filled);
            }
            filled = target;
            // first poll after the fill reads every new text once; the rounds below are steady state
            poller.pollOnce();
            poller.pollOnce();
            List<Sample> bare = new ArrayList<>();
            List<Sample> poll = new ArrayList<>();
            try (Connection reader = pg.connect(database)) {
                bareRead(reader);
                for (int r = 0; r < ROUNDS; r++) {
                    try (Connection c = pg.connect(database)) {
                        Workload.distinctStatements(c, "wide", COLUMNS, (r * 200) % target, 200);
                    }
                    bare.add(Sample.measure(() -> bareRead(reader)));
                    poll.add(Sample.measure(() -> poller.pollOnce()));
                }
            }
            int entries = poller.latest().entries();
            Sample b = Sample.median(bare);
            Sample p = Sample.median(poll);
            report.append(row(entries, "bare SELECT * (false)", b));
            report.append(row(entries, "agent poll", p));
            report.append(String.format("%-10d %-22s %10.2f%n", entries, "poll / bare (wall)", p.wallMs() / b.wallMs()));
            if (target == 20_000) {
                churn(pg, target, report);
            }
        }
        System.out.println(report);
    }

    /**
     * The same rounds with 50 statements never seen before in each (new query ids every interval, as
     * on a real database), against the bare read; beside them, one read of the query texts, which is
     * what a poll cost on top when it read the text of every new id (before the text-fetch interval).
     */
    private void churn(PgCluster pg, int filled, StringBuilder report) throws Exception {
        int fresh = 50;
        List<Sample> bare = new ArrayList<>();
        List<Sample> poll = new ArrayList<>();
        List<Sample> texts = new ArrayList<>();
        List<Long> shown = poller.latest().statements().stream().limit(fresh).map(st -> Long.parseLong(st.queryid()))
                .toList();
        double readsBefore = metrics.textReads();
        try (Connection reader = pg.connect(database)) {
            StatementsReader.Extension ext = StatementsReader.extension(reader);
            for (int r = 0; r < ROUNDS; r++) {
                try (Connection c = pg.connect(database)) {
                    Workload.distinctStatements(c, "wide", COLUMNS, (r * 200) % filled, 200);
                    Workload.distinctStatements(c, "wide", COLUMNS, filled + r * fresh, fresh);
                }
                bare.add(Sample.measure(() -> bareRead(reader)));
                poll.add(Sample.measure(() -> poller.pollOnce()));
                texts.add(Sample.measure(() -> {
                    try {
                        StatementsReader.texts(reader, ext, shown, 4096);
                    } catch (java.sql.SQLException e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            long reads = (long) (metrics.textReads() - readsBefore);
            int entries = poller.latest().entries();
            Sample b = Sample.median(bare);
            Sample p = Sample.median(poll);
            Sample t = Sample.median(texts);
            report.append(String.format("%nwith %d new query ids per round:%n", fresh));
            report.append(row(entries, "bare SELECT * (false)", b));
            report.append(row(entries, "agent poll", p));
            report.append(row(entries, "one text read", t));
            report.append(String.format("%-10d %-22s %10.2f%n", entries, "poll / bare (wall)", p.wallMs() / b.wallMs()));
            report.append(String.format("%-10d %-22s %10.2f%n", entries, "(poll+text) / bare", (p.wallMs() + t.wallMs())
                    / b.wallMs()));
            report.append(String.format("%-10d %-22s %10d%n", entries, "agent text reads", reads));
        }
    }

    private static String row(int entries, String what, Sample s) {
        return String.format("%-10d %-22s %10.2f %10.2f %12.0f%n", entries, what, s.wallMs(), s.cpuMs(), s.allocKb());
    }

    /** Reads every column of every row on an open connection, as a plain exporter would. */
    private static void bareRead(Connection c) {
        try (Statement s = c.createStatement()) {
            s.setFetchSize(5000);
            c.setAutoCommit(false);
            try (ResultSet rs = s.executeQuery("SELECT * FROM pg_stat_statements(false)")) {
                ResultSetMetaData md = rs.getMetaData();
                int cols = md.getColumnCount();
                while (rs.next()) {
                    for (int i = 1; i <= cols; i++) {
                        rs.getObject(i);
                    }
                }
            }
            c.commit();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
