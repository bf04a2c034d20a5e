package io.pgsidecar.activity;

import io.pgsidecar.db.ActingSession;
import io.pgsidecar.db.ActingSessions;
import io.pgsidecar.db.ActionExceptions;
import io.pgsidecar.db.Database;
import io.pgsidecar.db.DbConfig;
import io.pgsidecar.db.Need;
import io.pgsidecar.db.NoPermissionException;
import io.pgsidecar.db.Rights;
import io.pgsidecar.db.Rows;
import io.pgsidecar.config.SettingNames;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Cancel and terminate of one session. A dry run reads the session on the pool and answers what a
 * signal would do (or why it is refused) with the session's {@code backend_start}; the signal itself
 * must name that start, and its one statement re-checks it, the database and the kinds refused, so a
 * pid reused by another session since is never signalled. Refused unless forced by name: the
 * agent's own sessions ({@code agent_session}), replication ({@code replication}) and an autovacuum
 * that prevents wraparound ({@code wraparound_autovacuum}). Signals run on an acting session
 * ({@code pgsidecar-activity}), after the acting role's right to signal is checked; they are off
 * unless {@code pgsidecar.activity.signal-sessions} is set.
 */
@ApplicationScoped
public class SessionSignals {

    /** The kinds of session refused unless forced, by the name that forces them. */
    public static final Set<String> FORCES = Set.of("agent_session", "replication", "wraparound_autovacuum");
    static final String SESSION_NAME = "pgsidecar-activity";

    /** The two signals. */
    public enum Kind {
        CANCEL("pg_cancel_backend", "cancel its statement"),
        TERMINATE("pg_terminate_backend", "end the session");

        final String function;
        final String does;

        Kind(String function, String does) {
            this.function = function;
            this.does = does;
        }

        public String action() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * A session as a signal finds it.
     *
     * @param refusedAs the kinds it belongs to that are refused unless forced
     */
    @RegisterForReflection
    public record Target(int pid, String backendStart, String database, String backendType, String user,
                         String applicationName, String clientAddress, String state, String waitEventType,
                         String waitEvent, String query, Double transactionAgeSeconds, Double queryAgeSeconds,
                         List<String> refusedAs, @com.fasterxml.jackson.annotation.JsonIgnore long databaseOid) {
    }

    /**
     * The answer: the session, what was (or would be) done and the statement.
     *
     * @param signalled whether the signal was sent (false on a dry run)
     * @param sql the statement that signals, with its values
     * @param next on a dry run, what to send to do it
     */
    @RegisterForReflection
    public record Answer(String action, boolean dryRun, boolean signalled, Target session, String sql, String next) {
    }

    private final Database database;
    private final ActingSessions acting;
    private final Rights rights;
    private final ActivityConfig config;
    private final DbConfig db;
    /** One signal at a time per agent: each opens an acting session outside the pool. */
    private final java.util.concurrent.Semaphore sending = new java.util.concurrent.Semaphore(1, true);

    public SessionSignals(Database database, ActingSessions acting, Rights rights, ActivityConfig config, DbConfig db) {
        this.database = database;
        this.acting = acting;
        this.rights = rights;
        this.config = config;
        this.db = db;
    }

    /**
     * Signals session {@code pid}, or answers what a signal would do ({@code dryRun}).
     *
     * @param backendStart the session's start as a dry run (or the blocking view) answered it;
     *                     required for the signal itself
     * @param force the refused kinds to signal anyway, by name
     */
    public Answer signal(Kind kind, int pid, Optional<String> backendStart, boolean dryRun, Set<String> force) {
        for (String f : force) {
            if (!FORCES.contains(f)) {
                throw new ActionExceptions.BadRequest("force '" + f + "': expected one of " + new TreeSet<>(FORCES));
            }
        }
        if (!dryRun && backendStart.isEmpty()) {
            throw new ActionExceptions.BadRequest("backend_start is required to " + kind.action() + " a session: run "
                    + "it with dry_run first (or read the blocking view) and pass the backend_start it answers, so "
                    + "that a pid reused by another session is never signalled");
        }
        Target target = database.withConnection(c -> read(c, pid)).orElseThrow(
                () -> new ActivityExceptions.UnknownSession(pid));
        if (backendStart.isPresent() && !backendStart.get().equals(target.backendStart())) {
            throw changed(pid, backendStart.get(), target.backendStart());
        }
        String start = backendStart.orElse(target.backendStart());
        long oid = target.databaseOid();
        List<String> unforced = target.refusedAs().stream().filter(k -> !force.contains(k)).toList();
        if (!unforced.isEmpty()) {
            throw new ActionExceptions.Refused("session " + pid + " is " + describe(unforced) + ": not signalled "
                    + "unless forced by name (force: " + String.join(", ", unforced) + ")");
        }
        String sql = ActivityQueries.SIGNAL.formatted(kind.function).strip();
        String shown = sql + "  -- with pid " + pid + ", backend_start " + start + ", database oid " + oid
                + ", forced " + (force.isEmpty() ? "none" : String.join(", ", new TreeSet<>(force)));
        List<Rights.Lack> lacks = database.withConnection(c -> rights.lacking(c, List.of(Need.of(Need.Kind.SIGNAL))));
        if (!lacks.isEmpty()) {
            throw new NoPermissionException(kind.action() + " a session", lacks);
        }
        if (dryRun) {
            String next = config.signalSessions()
                    ? "send it again without dry_run and with backend_start " + start + " to " + kind.does
                    : "signalling sessions is off: set " + SettingNames.env("pgsidecar.activity.signal-sessions")
                            + "=true to " + kind.does;
            return new Answer(kind.action(), true, false, target, shown, next);
        }
        if (!config.signalSessions()) {
            throw new ActionExceptions.Refused("signalling sessions is off (" + SettingNames.env(
                    "pgsidecar.activity.signal-sessions") + "=false): only the dry run answers");
        }
        boolean permit;
        try {
            permit = sending.tryAcquire(db.pool().acquisitionTimeout().toMillis(),
                    java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            permit = false;
        }
        if (!permit) {
            throw new ActionExceptions.Busy("another cancel or terminate is being sent by this agent; try again");
        }
        try {
            return send(kind, pid, start, oid, force, sql, shown, target);
        } finally {
            sending.release();
        }
    }

    private Answer send(Kind kind, int pid, String start, long oid, Set<String> force, String sql, String shown,
                        Target target) {
        boolean sent;
        Duration timeout = db.statementTimeout();
        try (ActingSession s = acting.session(SESSION_NAME, timeout, db.lockTimeout());
             PreparedStatement ps = s.connection().prepareStatement(sql)) {
            ps.setInt(1, pid);
            ps.setString(2, start);
            ps.setLong(3, oid);
            ps.setBoolean(4, force.contains("agent_session"));
            ps.setBoolean(5, force.contains("replication"));
            ps.setBoolean(6, force.contains("wraparound_autovacuum"));
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw changed(pid, start, null);
                }
                sent = rs.getBoolean(1);
            }
        } catch (SQLException e) {
            if ("42501".equals(e.getSQLState())) {
                throw new NoPermissionException(kind.action() + " session " + pid, List.of(new Rights.Lack(
                        Need.of(Need.Kind.SIGNAL), rights.actingRole().orElse("the acting role"),
                        "signalling this session: " + e.getMessage(), "none: PostgreSQL lets only a superuser "
                        + "signal a superuser's session")));
            }
            throw database.failure(e);
        }
        if (!sent) {
            throw changed(pid, start, null);
        }
        return new Answer(kind.action(), false, true, target, shown, null);
    }

    private static ActivityExceptions.SessionChanged changed(int pid, String asked, String now) {
        return new ActivityExceptions.SessionChanged("session " + pid + " is not the one judged: it started at "
                + asked + (now == null ? " and has ended or changed since" : ", the session with that pid now at " + now
                + " (the pid was reused)") + "; nothing was signalled. Read the session again (dry_run).");
    }

    private static String describe(List<String> kinds) {
        List<String> words = new ArrayList<>();
        for (String k : kinds) {
            words.add(switch (k) {
                case "agent_session" -> "one of the agent's own sessions";
                case "replication" -> "a replication connection";
                case "wraparound_autovacuum" -> "an autovacuum preventing transaction-ID wraparound";
                default -> k;
            });
        }
        return String.join(" and ", words);
    }

    private Optional<Target> read(java.sql.Connection c, int pid) throws SQLException {
        long oid = io.pgsidecar.db.CurrentDatabase.oid(c);
        try (PreparedStatement ps = c.prepareStatement(ActivityQueries.SESSION)) {
            ps.setInt(1, ActivitySampler.QUERY_TEXT);
            ps.setInt(2, pid);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                String app = rs.getString("application_name");
                String type = rs.getString("backend_type");
                List<String> refused = new ArrayList<>();
                if (app != null && app.startsWith("pgsidecar")) {
                    refused.add("agent_session");
                }
                if ("walsender".equals(type)) {
                    refused.add("replication");
                }
                if ("autovacuum worker".equals(type) && rs.getBoolean("wraparound")) {
                    refused.add("wraparound_autovacuum");
                }
                Long datid = Rows.longOrNull(rs, 3);
                // a walsender of physical replication has no database: judged by its kind instead
                if (datid == null ? !"walsender".equals(type) : datid != oid) {
                    throw new ActionExceptions.Refused("session " + pid + " is not in this agent's database ("
                            + (datid == null ? "the server's " + type : "it is in " + rs.getString("datname"))
                            + "): ask that database's agent");
                }
                if (!refused.contains("replication") && !"client backend".equals(type)
                        && !"autovacuum worker".equals(type) && !"parallel worker".equals(type)
                        && !"background worker".equals(type)) {
                    throw new ActionExceptions.Refused("pid " + pid + " is the server's " + type + ", not a session: "
                            + "it is never signalled");
                }
                return Optional.of(new Target(rs.getInt("pid"), rs.getString("backend_start"), rs.getString("datname"), type,
                        rs.getString("usename"), app, rs.getString("client_addr"), rs.getString("state"),
                        rs.getString("wait_event_type"), rs.getString("wait_event"), rs.getString("query"),
                        Rows.doubleOrNull(rs, "xact_age"), Rows.doubleOrNull(rs, "query_age"), List.copyOf(refused), oid));
            }
        }
    }
}
