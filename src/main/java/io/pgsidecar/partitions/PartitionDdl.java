package io.pgsidecar.partitions;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Carries out the steps of a plan on the partition session: each statement under lock_timeout,
 * retried with a doubling backoff when its lock is busy, then given up naming who holds it. A
 * half-made partition is dropped again; a concurrent detach that gave up waiting is finalized.
 */
@ApplicationScoped
public class PartitionDdl {

    private static final Logger LOG = Logger.getLogger(PartitionDdl.class);
    private static final Pattern CONCURRENT_DETACH = Pattern.compile(
            "ALTER TABLE (.+) DETACH PARTITION (.+) CONCURRENTLY$");

    private final PartitionsConfig config;
    private final io.pgsidecar.db.Database database;

    public PartitionDdl(PartitionsConfig config, io.pgsidecar.db.Database database) {
        this.config = config;
        this.database = database;
    }

    /** A statement could not get its lock in any attempt. */
    static final class Blocked extends Exception {
        Blocked(String message) {
            super(message);
        }
    }

    Step.Outcome run(DdlSession s, Step step) {
        long t0 = System.nanoTime();
        boolean created = false;
        try {
            for (Step.Sql sql : step.statements()) {
                switch (sql.kind()) {
                    case CHECK_DEFAULT -> {
                        long n = s.count(sql.text());
                        if (n > 0) {
                            return outcome(step, "blocked", "the default partition " + sql.relation() + " holds "
                                    + (n >= PartitionPlanner.DEFAULT_COUNT_CAP ? "at least " : "") + n + " row(s) in "
                                    + step.why() + ": the partition is not made (attaching it would fail, and the rows "
                                    + "would be hidden from it); move them out of the default partition first", t0);
                        }
                    }
                    case CREATE -> {
                        withRetries(s, sql);
                        created = true;
                    }
                    case DDL -> withRetries(s, sql);
                    case DETACH_CONCURRENTLY -> detachConcurrently(s, sql);
                }
            }
            return outcome(step, "ok", null, t0);
        } catch (Blocked e) {
            undo(s, step, created);
            return outcome(step, "blocked", e.getMessage(), t0);
        } catch (SQLException e) {
            undo(s, step, created);
            return outcome(step, "failed", e.getMessage() + " (SQLSTATE " + e.getSQLState() + ")", t0);
        }
    }

    private static Step.Outcome outcome(Step step, String outcome, String reason, long t0) {
        return new Step.Outcome(step.action(), step.target(), step.why(), step.sql(), outcome, reason,
                (System.nanoTime() - t0) / 1_000_000);
    }

    private static void undo(DdlSession s, Step step, boolean created) {
        if (created && step.undo() != null) {
            try {
                s.execute(step.undo());
            } catch (SQLException e) {
                LOG.warnf("could not drop the half-made partition %s: %s", step.target(), e.getMessage());
            }
        }
    }

    private void withRetries(DdlSession s, Step.Sql sql) throws SQLException, Blocked {
        Duration backoff = config.lockBackoff();
        for (int i = 1; ; i++) {
            try {
                s.execute(sql.text());
                return;
            } catch (SQLException e) {
                if (!"55P03".equals(e.getSQLState())) {
                    throw e;
                }
                if (i >= config.lockAttempts()) {
                    throw new Blocked("lock not available after " + i + " attempts of " + config.lockTimeout().toMillis()
                            + " ms on " + sql.relation() + ": " + s.holders(database, sql.relation()));
                }
                sleep(backoff);
                backoff = backoff.multipliedBy(2);
            }
        }
    }

    /**
     * DETACH ... CONCURRENTLY takes only SHARE UPDATE EXCLUSIVE, then waits for transactions that may
     * still see the partition. If that wait reaches lock_timeout, the detach stays pending; it is
     * finalized (DETACH ... FINALIZE) on the next attempt, or by the next run.
     */
    private void detachConcurrently(DdlSession s, Step.Sql sql) throws SQLException, Blocked {
        Matcher m = CONCURRENT_DETACH.matcher(sql.text());
        Duration backoff = config.lockBackoff();
        String statement = sql.text();
        for (int i = 1; ; i++) {
            try {
                s.execute(statement);
                return;
            } catch (SQLException e) {
                if (!"55P03".equals(e.getSQLState())) {
                    throw e;
                }
                boolean pending = m.find(0) && pending(s, m.group(2));
                if (pending) {
                    statement = "/* pgsidecar */ ALTER TABLE " + m.group(1).replace("/* pgsidecar */ ", "")
                            + " DETACH PARTITION " + m.group(2) + " FINALIZE";
                }
                if (i >= config.lockAttempts()) {
                    throw new Blocked("lock not available after " + i + " attempts of " + config.lockTimeout().toMillis()
                            + " ms: " + (pending ? "the detach is pending, waiting for older transactions ("
                            + s.oldTransactions(database) + "); the next run finalizes it" : s.holders(database, sql.relation())));
                }
                sleep(backoff);
                backoff = backoff.multipliedBy(2);
            }
        }
    }

    private static boolean pending(DdlSession s, String child) {
        try (PreparedStatement ps = s.connection().prepareStatement("/* pgsidecar */ SELECT inhdetachpending FROM "
                + "pg_catalog.pg_inherits WHERE inhrelid = ?::regclass")) {
            ps.setString(1, child);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        } catch (SQLException e) {
            return false;
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(Math.max(0, d.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
