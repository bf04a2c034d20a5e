package io.pgsidecar.statements;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.pgsidecar.db.DbConfig;
import io.pgsidecar.statements.StatementsSnapshot.Regression;
import io.pgsidecar.testing.PgTestResource;
import io.pgsidecar.testing.TestConfig;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The regression check sums its two periods whole only now and then, and in between moves the rows
 * that left the recent window into the baseline and adds the rows stored since: checked against the
 * same comparison computed from every stored row, at checks a minute apart and seconds apart, after
 * gaps longer than the re-sum period, after the clock went back, with room for fewer ids than
 * the history holds, and after a row was stored late.
 */
@QuarkusTest
@TestProfile(StatementsSuiteIT.Profile.class)
@WithTestResource(value = PgTestResource.class,
        initArgs = @ResourceArg(name = "sql", value = StatementsSuiteIT.SQL))
class RegressionBaselineIT {

    static final String SCHEMA = "regression_baseline_check";
    static final Duration WINDOW = Duration.ofMinutes(20);
    static final Duration BASELINE = Duration.ofHours(2);
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @ConfigProperty(name = "pgsidecar.test.database")
    String database;

    record Row(Instant at, long queryid, long calls, double totalMs) {
    }

    @Test
    void theBaselineSummedInStepsGivesWhatSummingEveryRowGives() throws Exception {
        StatementsConfig config = TestConfig.mapping(StatementsConfig.class, Map.of(
                "pgsidecar.statements.regression-window", WINDOW.toMinutes() + "m",
                "pgsidecar.statements.regression-baseline", BASELINE.toMinutes() + "m",
                "pgsidecar.statements.regression-factor", "2",
                "pgsidecar.statements.regression-min-increase", "5ms",
                "pgsidecar.statements.regression-min-calls", "10"));
        DbConfig db = TestConfig.mapping(DbConfig.class, Map.of("pgsidecar.db.schema", SCHEMA));
        StatementHistory history = new StatementHistory(null, config, null, db);
        // the same checks with room for 5 of the 12 ids: fewer answers, never a partial sum
        StatementHistory capped = new StatementHistory(null, config, null, db, 5);
        Duration resum = WINDOW.compareTo(StatementHistory.RESUM) < 0 ? WINDOW : StatementHistory.RESUM;

        // five hours of one-minute intervals, 12 statements; the odd ones get three times slower after 4 h
        Random random = new Random(26);
        List<Row> rows = new ArrayList<>();
        for (int minute = 0; minute <= 300; minute++) {
            for (long id = 1; id <= 12; id++) {
                if (random.nextInt(4) == 0) {
                    continue;
                }
                long calls = 1 + random.nextInt(20);
                long perCall = (id % 2 == 1 && minute >= 240 ? 30 : 10) + random.nextInt(3);
                rows.add(new Row(T0.plus(Duration.ofMinutes(minute)), id * 1_000_003L, calls, calls * perCall));
            }
        }

        try (Connection c = PgTestResource.cluster().connect(database)) {
            try (Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
                s.execute("CREATE SCHEMA " + SCHEMA);
                s.execute("CREATE TABLE " + SCHEMA + ".statement_history (LIKE pgsidecar.statement_history INCLUDING ALL)");
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + SCHEMA + ".statement_history "
                    + "VALUES (?, 60, ?, 10, true, ?, ?, 0, 0, 0, 0)")) {
                for (Row r : rows) {
                    ps.setTimestamp(1, Timestamp.from(r.at()));
                    ps.setLong(2, r.queryid());
                    ps.setLong(3, r.calls());
                    ps.setDouble(4, r.totalMs());
                    ps.addBatch();
                }
                ps.executeBatch();
            }

            // checks a minute or seconds apart, a gap longer than the re-sum period, and the clock going back
            List<Instant> checks = new ArrayList<>();
            for (int minute = 150; minute <= 300; minute++) {
                if (minute >= 200 && minute <= 230) {
                    continue;
                }
                if (minute % 10 == 0) {
                    // at the instant of a stored poll, which counts as recent
                    checks.add(T0.plus(Duration.ofMinutes(minute)));
                }
                checks.add(T0.plus(Duration.ofMinutes(minute)).plusSeconds(7));
            }
            checks.add(T0.plus(Duration.ofMinutes(255)));
            for (int minute = 256; minute <= 262; minute++) {
                checks.add(T0.plus(Duration.ofMinutes(minute)));
            }

            Instant summedAt = null;
            Instant baseTo = null;
            int found = 0;
            for (Instant now : checks) {
                Instant recentFrom = now.minus(WINDOW);
                if (summedAt == null || !now.isBefore(summedAt.plus(resum)) || recentFrom.isBefore(baseTo)) {
                    summedAt = now;
                }
                baseTo = recentFrom;
                List<Regression> expected = expected(rows, summedAt.minus(WINDOW).minus(BASELINE), recentFrom, now);
                List<Regression> actual = history.regressions(c, now, id -> "text of " + id);
                assertThat(actual).as("at %s", now).hasSameSizeAs(expected);
                for (int i = 0; i < expected.size(); i++) {
                    Regression e = expected.get(i);
                    Regression a = actual.get(i);
                    assertThat(a.queryid()).as("at %s", now).isEqualTo(e.queryid());
                    assertThat(a.query()).isEqualTo("text of " + e.queryid());
                    assertThat(a.recentCalls()).isEqualTo(e.recentCalls());
                    assertThat(a.baselineCalls()).as("at %s, %s", now, e.queryid()).isEqualTo(e.baselineCalls());
                    assertThat(a.recentMeanMs()).isCloseTo(e.recentMeanMs(), within(1e-9));
                    assertThat(a.baselineMeanMs()).isCloseTo(e.baselineMeanMs(), within(1e-9));
                }
                found += actual.size();
                // the capped check's reads are cut at 5 ids, so it sums whole at every check with new rows
                List<Regression> exact = expected(rows, recentFrom.minus(BASELINE), recentFrom, now);
                for (Regression a : capped.regressions(c, now, id -> null)) {
                    Regression e = exact.stream().filter(x -> x.queryid().equals(a.queryid())).findFirst()
                            .orElseThrow(() -> new AssertionError("at " + now + ", not a regression: " + a));
                    assertThat(a.recentCalls()).as("capped, at %s", now).isEqualTo(e.recentCalls());
                    assertThat(a.baselineCalls()).as("capped, at %s", now).isEqualTo(e.baselineCalls());
                    assertThat(a.recentMeanMs()).isCloseTo(e.recentMeanMs(), within(1e-9));
                }
            }
            assertThat(found).as("the slower statements were found at some checks").isPositive();

            // forgotten (leadership lost): the next check sums the baseline whole again
            history.forgetBaseline();
            Instant now = T0.plus(Duration.ofMinutes(299));
            assertThat(history.regressions(c, now, id -> null)).map(Regression::queryid).containsExactlyElementsOf(
                    expected(rows, now.minus(WINDOW).minus(BASELINE), now.minus(WINDOW), now).stream()
                            .map(Regression::queryid).toList());

            // a row stored late, behind a check that had looked past its time (another writer), with
            // more calls than the window held for its id: once it leaves the window its figures do not
            // match the sums, which are summed whole at once
            history.forgetBaseline();
            history.regressions(c, T0.plus(Duration.ofMinutes(270)), id -> null);
            Row late = new Row(T0.plus(Duration.ofMinutes(265)).plusSeconds(30), 1_000_003L, 10_000, 10_000 * 10);
            rows.add(late);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + SCHEMA + ".statement_history "
                    + "VALUES (?, 60, ?, 20, true, ?, ?, 0, 0, 0, 0)")) {
                ps.setTimestamp(1, Timestamp.from(late.at()));
                ps.setLong(2, late.queryid());
                ps.setLong(3, late.calls());
                ps.setDouble(4, late.totalMs());
                ps.executeUpdate();
            }
            for (int minute = 271; minute <= 285; minute++) {
                history.regressions(c, T0.plus(Duration.ofMinutes(minute)), id -> null);
            }
            Instant left = T0.plus(Duration.ofMinutes(286));
            List<Regression> expected = expected(rows, left.minus(WINDOW).minus(BASELINE), left.minus(WINDOW), left);
            List<Regression> actual = history.regressions(c, left, id -> null);
            assertThat(actual).map(Regression::queryid).containsExactlyElementsOf(
                    expected.stream().map(Regression::queryid).toList());
            for (int i = 0; i < expected.size(); i++) {
                assertThat(actual.get(i).baselineCalls()).isEqualTo(expected.get(i).baselineCalls());
                assertThat(actual.get(i).recentCalls()).isEqualTo(expected.get(i).recentCalls());
            }
        } finally {
            try (Connection c = PgTestResource.cluster().connect(database); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
            }
        }
    }

    /** The comparison over every row: baseline [baseFrom, recentFrom), recent [recentFrom, now]. */
    private static List<Regression> expected(List<Row> rows, Instant baseFrom, Instant recentFrom, Instant now) {
        Map<Long, long[]> calls = new HashMap<>();
        Map<Long, double[]> totals = new HashMap<>();
        for (Row r : rows) {
            int period = r.at().isBefore(baseFrom) ? -1 : r.at().isBefore(recentFrom) ? 0 : 1;
            if (period < 0 || r.at().isAfter(now)) {
                continue;
            }
            calls.computeIfAbsent(r.queryid(), k -> new long[2])[period] += r.calls();
            totals.computeIfAbsent(r.queryid(), k -> new double[2])[period] += r.totalMs();
        }
        List<Regression> out = new ArrayList<>();
        calls.forEach((id, n) -> {
            if (n[0] < 10 || n[1] < 10) {
                return;
            }
            double base = totals.get(id)[0] / n[0];
            double recent = totals.get(id)[1] / n[1];
            if (recent >= 2 * base && recent - base >= 5) {
                out.add(new Regression(Long.toString(id), null, recent, base, recent / base, n[1], n[0]));
            }
        });
        out.sort(Comparator.comparingDouble((Regression x) -> x.recentMeanMs() - x.baselineMeanMs()).reversed());
        return out;
    }
}
