package io.pgsidecar.maintenance;

import io.pgsidecar.audit.AuditEntry;
import io.pgsidecar.audit.AuditLog;
import io.pgsidecar.config.InstanceInfo;
import io.pgsidecar.db.ActingSession;
import io.pgsidecar.db.Database;
import io.pgsidecar.db.LockHolders;
import io.pgsidecar.db.LockRetry;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Carries out one step of a run on the maintenance session: with lock_timeout and a few retries
 * ({@link LockRetry}) when a lock is busy (then the item is skipped, naming who holds it), VACUUM's own report of rows it
 * could not remove (naming what holds the xmin horizon back), batches for deletes, an audit row for
 * every session ended.
 */
final class ItemExecutor {

    /** How one item ended. */
    record Result(String outcome, String reason, Long rows) {
        static Result ok(String reason, Long rows) {
            return new Result("ok", reason, rows);
        }

        static Result skipped(String reason) {
            return new Result("skipped", reason, null);
        }

        static Result failed(String reason) {
            return new Result("failed", reason, null);
        }

        static Result cancelled(String reason) {
            return new Result("cancelled", reason, null);
        }
    }

    /** A statement stopped by cancel (the run was cancelled), not by its own timeout. */
    static final class Cancelled extends RuntimeException {
        Cancelled(String reason) {
            super(reason);
        }
    }

    private static final Pattern NOT_REMOVABLE = Pattern.compile(
            "(\\d+) are dead but not yet removable|(\\d+) dead row versions cannot be removed yet");
    private static final Pattern REMOVED = Pattern.compile("tuples: (\\d+) removed|found (\\d+) removable");

    private final MaintenanceConfig config;
    private final Database database;
    private final AuditLog audit;
    private final InstanceInfo instance;
    private final MaintenanceMetrics metrics;

    ItemExecutor(MaintenanceConfig config, Database database, AuditLog audit, InstanceInfo instance,
                 MaintenanceMetrics metrics) {
        this.config = config;
        this.database = database;
        this.audit = audit;
        this.instance = instance;
        this.metrics = metrics;
    }

    /**
     * @param cancelled why the run was asked to stop, or null; read after a statement was cancelled
     * @param deadline when the run's time budget ends
     */
    Result run(Planner.Step step, ActingSession session, java.util.function.Supplier<String> cancelled,
               Instant deadline) {
        try {
            Action action = step.run();
            if (action instanceof Action.Sql a) {
                try {
                    return withLockRetries(session, a.relation(), cancelled, deadline, () -> {
                        session.execute(a.sql());
                        return Result.ok(null, null);
                    });
                } catch (SQLException | Cancelled e) {
                    if (a.rebuilt() != null) {
                        dropRebuildLeftovers(session, a.rebuilt());
                    }
                    throw e;
                }
            }
            if (action instanceof Action.Vacuum v) {
                return withLockRetries(session, v.relation(), cancelled, deadline, () -> vacuum(session, v));
            }
            if (action instanceof Action.Batches b) {
                return batches(session, b, cancelled, deadline);
            }
            if (action instanceof Action.Terminate t) {
                return terminate(session, t);
            }
            if (action instanceof Action.Check k) {
                return Result.ok(k.run().get(), null);
            }
            if (action instanceof Action.Prune p) {
                return Result.ok(null, (long) p.run().getAsInt());
            }
            return Result.skipped(step.why());
        } catch (Cancelled e) {
            return Result.cancelled(e.getMessage());
        } catch (SQLException e) {
            return Result.failed(failure(step, e));
        } catch (RuntimeException e) {
            return Result.failed(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    /**
     * Runs the attempt; a busy lock is retried with backoff ({@link LockRetry}, never past the run's
     * time budget), then the item is skipped naming the holder. Null when the attempt returned null.
     */
    private Result withLockRetries(ActingSession session, String relation, java.util.function.Supplier<String> cancelled,
                                   Instant deadline, LockRetry.Attempt<Result> attempt) throws SQLException {
        try {
            return new LockRetry(config.lockAttempts(), config.lockTimeout(), config.lockBackoff()).until(deadline)
                    .run(attempt, null, () -> LockHolders.describe(database, relation, session.pid()));
        } catch (LockRetry.Blocked e) {
            return Result.skipped(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Cancelled("interrupted");
        } catch (SQLException e) {
            if ("57014".equals(e.getSQLState()) && cancelled.get() != null) {
                throw new Cancelled(cancelled.get());
            }
            throw e;
        }
    }

    private Result vacuum(ActingSession session, Action.Vacuum v) throws SQLException {
        List<String> report = new ArrayList<>();
        try (Statement s = session.connection().createStatement()) {
            s.execute(v.sql());
            for (SQLWarning w = s.getWarnings(); w != null; w = w.getNextWarning()) {
                report.add(String.valueOf(w.getMessage()));
                // PostgreSQL 13 says how many dead rows it had to keep in the notice's DETAIL
                if (w instanceof org.postgresql.util.PSQLWarning p && p.getServerErrorMessage() != null
                        && p.getServerErrorMessage().getDetail() != null) {
                    report.add(p.getServerErrorMessage().getDetail());
                }
            }
        }
        long notRemovable = 0;
        long removed = 0;
        for (String line : report) {
            Matcher m = NOT_REMOVABLE.matcher(line);
            while (m.find()) {
                notRemovable += Long.parseLong(m.group(1) != null ? m.group(1) : m.group(2));
            }
            Matcher r = REMOVED.matcher(line);
            while (r.find()) {
                removed += Long.parseLong(r.group(1) != null ? r.group(1) : r.group(2));
            }
        }
        if (notRemovable == 0) {
            return Result.ok(removed > 0 ? removed + " dead rows removed" : null, removed);
        }
        String why = notRemovable + " dead rows cannot be removed yet: the xmin horizon is held back by " + horizonHolder();
        return removed == 0 ? Result.skipped(why) : Result.ok(removed + " dead rows removed; " + why, removed);
    }

    private Result batches(ActingSession session, Action.Batches b, java.util.function.Supplier<String> cancelled,
                           Instant deadline) throws SQLException {
        long total = 0;
        while (true) {
            if (cancelled.get() != null) {
                throw new Cancelled(cancelled.get() + " (" + total + " rows deleted)");
            }
            if (Instant.now().isAfter(deadline)) {
                return Result.ok("stopped at the time budget after " + total + " rows; the rest waits for the next run",
                        total);
            }
            long[] deleted = new long[1];
            Result lock = withLockRetries(session, b.relation(), cancelled, deadline, () -> {
                try (Statement s = session.connection().createStatement()) {
                    deleted[0] = s.executeUpdate(b.sql());
                }
                return null;
            });
            if (lock != null) {
                return total == 0 ? lock : Result.ok(total + " rows deleted, then " + lock.reason(), total);
            }
            total += deleted[0];
            metrics.rowsDeleted(b.table(), deleted[0]);
            if (deleted[0] == 0) {
                return Result.ok(null, total);
            }
            sleep(config.cleanupOldData().batchPause());
        }
    }

    private Result terminate(ActingSession session, Action.Terminate t) throws SQLException {
        boolean ended;
        try (Statement s = session.connection().createStatement(); ResultSet rs = s.executeQuery(t.sql())) {
            ended = rs.next() && rs.getBoolean(1);
        }
        audit.record(new AuditEntry(null, Instant.now(), "pgsidecar (connection_health)", null, instance.name(),
                "maintenance.terminate-session", Map.of("pid", t.pid(), "application_name", t.applicationName(),
                "why", t.why()), ended ? "success" : "not_found", null,
                ended ? "pg_terminate_backend(" + t.pid() + ")" : "the session had ended or moved on since it was planned",
                0));
        return ended ? Result.ok("session ended", 1L)
                : Result.skipped("the session had ended or moved on since it was planned (pid, start, state or "
                        + "state change differ); it is judged again at the next run");
    }

    /** A failed REINDEX CONCURRENTLY leaves an invalid {index}_ccnew behind: dropped at once. */
    private static void dropRebuildLeftovers(ActingSession session, String[] index) {
        try {
            List<String> leftovers = new ArrayList<>();
            try (PreparedStatement ps = session.connection().prepareStatement(MaintenanceQueries.REBUILD_LEFTOVERS)) {
                ps.setString(1, index[0]);
                for (int i = 2; i <= 4; i++) {
                    ps.setString(i, index[1]);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        leftovers.add(rs.getString(1));
                    }
                }
            }
            for (String leftover : leftovers) {
                session.execute("/* pgsidecar */ DROP INDEX CONCURRENTLY IF EXISTS " + leftover);
            }
        } catch (SQLException e) {
            // the next run drops it as a leftover
        }
    }

    /** The item's failure in words; a unique index that cannot be rebuilt says why. */
    private static String failure(Planner.Step step, SQLException e) {
        String message = e.getMessage() == null ? e.getSQLState() : e.getMessage().strip();
        if ("23505".equals(e.getSQLState()) && "reindex".equals(step.action())) {
            return "cannot rebuild the unique index: the table has duplicate keys (" + message
                    + "); remove the duplicates, or drop the index";
        }
        if ("57014".equals(e.getSQLState())) {
            return "the statement ran past its statement_timeout (" + message + ")";
        }
        return message + " (SQLSTATE " + e.getSQLState() + ")";
    }

    /** What holds the xmin horizon back, oldest first, in words. */
    String horizonHolder() {
        try {
            return database.withConnection(c -> {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(MaintenanceQueries.HORIZON_HOLDERS)) {
                    if (!rs.next()) {
                        return "nothing visible any more";
                    }
                    return holder(rs.getString(1), rs.getString(2), rs.getString(3), rs.getDouble(4),
                            rs.getObject(5) == null ? null : rs.getDouble(5));
                }
            });
        } catch (RuntimeException e) {
            return "a holder that could not be read (" + e.getMessage() + ")";
        }
    }

    static String holder(String kind, String holder, String detail, double xidAge, Double seconds) {
        String age = seconds == null ? String.format(Locale.ROOT, "%.0f transactions old", xidAge)
                : String.format(Locale.ROOT, "for %.0f s", seconds);
        return switch (kind) {
            case "session" -> "session pid " + holder + " (application_name '" + detail + "') " + age;
            case "replication slot" -> "replication slot " + holder + " (" + detail + "), " + age;
            case "prepared transaction" -> "prepared transaction '" + holder + "' (owner " + detail + ") " + age;
            default -> "standby " + holder + " (hot_standby_feedback), " + age;
        };
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(Math.max(0, d.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Cancelled("interrupted");
        }
    }
}
