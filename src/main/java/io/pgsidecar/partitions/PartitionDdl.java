package io.pgsidecar.partitions;

import io.pgsidecar.db.ActingSession;
import io.pgsidecar.db.Database;
import io.pgsidecar.db.LockHolders;
import io.pgsidecar.db.LockRetry;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Carries out the steps of a plan on the partition session: each statement under lock_timeout,
 * retried with a doubling backoff when its lock is busy ({@link LockRetry}), then given up naming who
 * holds it. A half-made partition is dropped again; a concurrent detach that gave up waiting is
 * finalized.
 */
@ApplicationScoped
public class PartitionDdl {

    private static final Logger LOG = Logger.getLogger(PartitionDdl.class);
    private static final Pattern CONCURRENT_DETACH = Pattern.compile(
            "ALTER TABLE (.+) DETACH PARTITION (.+) CONCURRENTLY$");

    private final PartitionsConfig config;
    private final Database database;

    public PartitionDdl(PartitionsConfig config, Database database) {
        this.config = config;
        this.database = database;
    }

    Step.Outcome run(ActingSession s, Step step) {
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
        } catch (LockRetry.Blocked e) {
            undo(s, step, created);
            return outcome(step, "blocked", e.getMessage(), t0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            undo(s, step, created);
            return outcome(step, "blocked", "interrupted while waiting to retry (the agent is stopping)", t0);
        } catch (SQLException e) {
            undo(s, step, created);
            return outcome(step, "failed", e.getMessage() + " (SQLSTATE " + e.getSQLState() + ")", t0);
        }
    }

    private static Step.Outcome outcome(Step step, String outcome, String reason, long t0) {
        return new Step.Outcome(step.action(), step.target(), step.why(), step.sql(), outcome, reason,
                (System.nanoTime() - t0) / 1_000_000);
    }

    private static void undo(ActingSession s, Step step, boolean created) {
        if (created && step.undo() != null) {
            try {
                s.execute(step.undo());
            } catch (SQLException e) {
                LOG.warnf("could not drop the half-made partition %s: %s", step.target(), e.getMessage());
            }
        }
    }

    private LockRetry retry() {
        return new LockRetry(config.lockAttempts(), config.lockTimeout(), config.lockBackoff());
    }

    private void withRetries(ActingSession s, Step.Sql sql) throws SQLException, LockRetry.Blocked, InterruptedException {
        retry().run(() -> {
            s.execute(sql.text());
            return null;
        }, sql.relation(), () -> LockHolders.describe(database, sql.relation(), s.pid()));
    }

    /**
     * DETACH ... CONCURRENTLY takes only SHARE UPDATE EXCLUSIVE, then waits for transactions that may
     * still see the partition. If that wait reaches lock_timeout, the detach stays pending; it is
     * finalized (DETACH ... FINALIZE) on the next attempt, or by the next run.
     */
    private void detachConcurrently(ActingSession s, Step.Sql sql)
            throws SQLException, LockRetry.Blocked, InterruptedException {
        Matcher m = CONCURRENT_DETACH.matcher(sql.text());
        String[] statement = {sql.text()};
        boolean[] pending = {false};
        retry().run(() -> {
            try {
                s.execute(statement[0]);
                return null;
            } catch (SQLException e) {
                if (LockRetry.lockNotAvailable(e)) {
                    pending[0] = m.find(0) && pending(s, m.group(2));
                    if (pending[0]) {
                        statement[0] = "/* pgsidecar */ ALTER TABLE " + m.group(1).replace("/* pgsidecar */ ", "")
                                + " DETACH PARTITION " + m.group(2) + " FINALIZE";
                    }
                }
                throw e;
            }
        }, null, () -> pending[0] ? "the detach is pending, waiting for older transactions (" + oldTransactions(s)
                + "); the next run finalizes it" : LockHolders.describe(database, sql.relation(), s.pid()));
    }

    private static boolean pending(ActingSession s, String child) {
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

    /**
     * The oldest open transactions: what a concurrent detach waits for, read on the agent's pool,
     * whose observing login sees every session (the acting login need not).
     */
    private String oldTransactions(ActingSession s) {
        try {
            return database.withConnection(c -> {
                try (PreparedStatement ps = c.prepareStatement(PartitionsQueries.OLD_TRANSACTIONS)) {
                    ps.setInt(1, s.pid());
                    List<String> out = new ArrayList<>();
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.add(String.format(Locale.ROOT, "pid %d (application_name '%s', %s) in a transaction "
                                    + "for %.0f s", rs.getInt(1), rs.getString(2), rs.getString(3), rs.getDouble(4)));
                        }
                    }
                    return out.isEmpty() ? "no old transaction seen any more" : String.join("; ", out);
                }
            });
        } catch (RuntimeException e) {
            return "transactions unknown (" + e.getMessage() + ")";
        }
    }
}
