package io.pgsidecar.statements;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgsidecar.testing.PgCluster;
import io.pgsidecar.testing.PgTestResource;
import io.pgsidecar.testing.Workload;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Between full reads the poll asks the server only for the entries whose calls moved: the figures are
 * the same as a full read's, the server sends only the changed rows, and an eviction or a reset makes
 * the next read a full one. The fingerprint the agent computes is the one the server computes.
 */
@Tag("by-version")
@QuarkusTest
@TestProfile(StatementsSuiteIT.Profile.class)
@WithTestResource(value = PgTestResource.class,
        initArgs = @ResourceArg(name = "sql", value = StatementsSuiteIT.SQL))
class ChangedEntriesReadIT {

    static final String MARKER = "SELECT ?::int + 7 AS changed_read_marker";
    /** The agent's reads in this database only (the server is shared). */
    static final String THIS_DATABASE = "dbid = (SELECT oid FROM pg_database WHERE datname = current_database())";

    @Inject
    StatementsPoller poller;

    @Inject
    io.pgsidecar.db.SchemaMigrator migrator;

    @ConfigProperty(name = "pgsidecar.test.database")
    String database;

    @Test
    void theFingerprintIsTheServers() throws Exception {
        PgCluster pg = PgTestResource.cluster();
        long[] queryids = {Long.MIN_VALUE, -1, 0, 1, 4_611_686_018_427_387_903L, Long.MAX_VALUE};
        long[] userids = {0, 10, 16_384, 65_546, 4_294_967_295L};
        long[] calls = {0, 1, 1L << 17, (1L << 31) - 1, 1L << 31, (1L << 46) + 3, (1L << 47) + 5, Long.MAX_VALUE};
        // the query's own expression, over a row typed as pg_stat_statements types it (userid is an oid)
        String sql = "SELECT " + StatementsQueries.FINGERPRINT.formatted("s.toplevel")
                + " FROM (VALUES (?::int8, ?::bigint::oid, ?::bool, ?::int8)) s(queryid, userid, toplevel, calls)";
        try (Connection c = pg.connect(database); PreparedStatement ps = c.prepareStatement(sql)) {
            for (long q : queryids) {
                for (long u : userids) {
                    for (boolean top : new boolean[] {true, false}) {
                        for (long n : calls) {
                            ps.setLong(1, q);
                            ps.setLong(2, u);
                            ps.setBoolean(3, top);
                            ps.setLong(4, n);
                            try (ResultSet rs = ps.executeQuery()) {
                                rs.next();
                                assertThat(StatementsReader.fingerprint(new StatementKey(u, q, top), n))
                                        .as("queryid %d userid %d toplevel %s calls %d", q, u, top, n)
                                        .isEqualTo(rs.getLong(1));
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void entriesOfOneQueryNeverShareAFingerprintBelow2To31Calls() {
        java.util.Set<Long> seen = new java.util.HashSet<>();
        long queryid = 0x5DEECE66DL;
        for (long userid : new long[] {10, 16_384, 65_546, 81_920, 4_294_967_295L}) {
            for (boolean top : new boolean[] {true, false}) {
                for (long n = 0; n < 3_000; n++) {
                    assertThat(seen.add(StatementsReader.fingerprint(new StatementKey(userid, queryid, top), n)))
                            .as("userid %d toplevel %s calls %d", userid, top, n).isTrue();
                }
                for (long n = (1L << 31) - 3_000; n < (1L << 31); n++) {
                    assertThat(seen.add(StatementsReader.fingerprint(new StatementKey(userid, queryid, top), n)))
                            .as("userid %d toplevel %s calls %d", userid, top, n).isTrue();
                }
            }
        }
    }

    @Test
    void onlyChangedEntriesAreSentAndTheFiguresAreAFullReadsFigures() throws Exception {
        PgCluster pg = PgTestResource.cluster();
        await().atMost(Duration.ofSeconds(30)).until(() -> migrator.status().done());
        try (Connection c = pg.connect(database); Statement s = c.createStatement()) {
            // the server is shared with the suite's other classes and the fork's earlier databases: start
            // from no entries, far from pg_stat_statements.max (an eviction would force a full read)
            s.execute("SELECT pg_stat_statements_reset()");
            Workload.wideTable(c, "wide", 20);
            Workload.distinctStatements(c, "wide", 20, 0, 300); // entries that will not change
        }
        poller.forgetBaseline();
        poller.pollOnce(); // a baseline: a full read
        long fullReads = fullReads(pg);
        try (Connection c = pg.connect(database)) {
            Workload.repeat(c, MARKER, 5, 1);
        }
        StatementsSnapshot snap = poller.pollOnce();
        assertThat(callsOfMarker(snap)).isEqualTo(5);
        try (Connection c = pg.connect(database)) {
            Workload.repeat(c, MARKER, 3, 1);
        }
        snap = poller.pollOnce();
        assertThat(callsOfMarker(snap)).isEqualTo(3);
        assertThat(snap.entries()).as("the agent's copy holds every entry").isGreaterThan(300);
        if (pg.majorVersion() >= 14) { // 13 has no pg_stat_statements_info: every read is a full one
            assertThat(fullReads(pg)).as("no full read after the baseline").isEqualTo(fullReads);
            // the changed-entries query ran twice, and the server sent the few changed rows, not 300 more
            try (Connection c = pg.connect(database); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT calls, rows FROM pg_stat_statements WHERE " + THIS_DATABASE
                         + " AND query LIKE '%held.fingerprint%' AND query NOT LIKE '%pg_stat_statements WHERE%'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isEqualTo(2);
                System.out.printf("changed-entries reads sent %d rows in 2 reads, of %d entries%n", rs.getLong(2),
                        snap.entries());
                assertThat(rs.getLong(2)).as("rows sent by two changed-entries reads").isLessThan(snap.entries() / 2);
            }
        }

        // a reset: entries the agent holds are gone, so the next read is a full one, and nothing counts twice
        try (Connection c = pg.connect(database); Statement s = c.createStatement()) {
            s.execute("SELECT pg_stat_statements_reset()");
        }
        try (Connection c = pg.connect(database)) {
            Workload.repeat(c, MARKER, 2, 1);
        }
        snap = poller.pollOnce();
        assertThat(callsOfMarker(snap)).isEqualTo(2);
        if (pg.majorVersion() >= 14) {
            assertThat(fullReads(pg)).as("pg_stat_statements_info moved: a full read").isGreaterThan(0);
            assertThat(snap.entries()).as("the copy lost the reset entries").isLessThan(300);
        }
    }

    private static long callsOfMarker(StatementsSnapshot snap) {
        return snap.statements().stream()
                .filter(s -> s.query() != null && s.query().contains("changed_read_marker"))
                .mapToLong(StatementsSnapshot.StatementStat::calls).sum();
    }

    /** Calls of the agent's full read (0 after a reset, which forgets it). */
    private long fullReads(PgCluster pg) throws Exception {
        try (Connection c = pg.connect(database); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT coalesce(sum(calls), 0) FROM pg_stat_statements WHERE "
                     + THIS_DATABASE + " AND query LIKE '%stddev_exec_time%' AND query NOT LIKE '%held.fingerprint%' "
                     + "AND query NOT LIKE '%pg_stat_statements WHERE%'")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
