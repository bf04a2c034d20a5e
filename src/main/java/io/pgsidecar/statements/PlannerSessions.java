package io.pgsidecar.statements;

import io.pgsidecar.db.Database;
import io.pgsidecar.db.DatabaseUnavailableException;
import io.pgsidecar.db.DbConfig;
import io.pgsidecar.db.DirectConnections;
import io.pgsidecar.db.Rights;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The sessions statement texts are planned on. A text is anyone's, and planning evaluates the
 * immutable and stable functions it reaches (constant folding, selectivity estimates) with the rights
 * of the role that plans; so planning never happens on the agent's pool or its acting sessions.
 * Each plan request and each index analysis opens a session of its own with the agent's observing
 * login ({@code application_name pgsidecar-planner}), reads once what that login could do, and
 * closes it when done: whatever a function leaves behind in a session (an advisory lock, a dblink
 * connection) ends with it. At most {@value #MAX_SESSIONS} are open at once, beside the pool.
 */
@ApplicationScoped
public class PlannerSessions {

    public static final String APPLICATION_NAME = "pgsidecar-planner";
    /** One for an index analysis, one for a plan request; more wait (up to the acquisition timeout). */
    static final int MAX_SESSIONS = 2;

    /** Work done on one planning session. */
    @FunctionalInterface
    public interface Work<T> {
        T run(PlanningSession session) throws SQLException;
    }

    private final DirectConnections connections;
    private final Database database;
    private final Duration wait;
    private final Duration socketTimeout;
    private final Rights rights;
    private final Semaphore permits = new Semaphore(MAX_SESSIONS, true);

    public PlannerSessions(DirectConnections connections, Database database, DbConfig db, StatementsConfig config,
                           Rights rights) {
        this.connections = connections;
        this.database = database;
        this.wait = db.pool().acquisitionTimeout();
        // a plan is bounded by plan-timeout; the catalog reads of an analysis by the statement timeout
        this.socketTimeout = max(db.statementTimeout(), config.planTimeout()).plusSeconds(5);
        this.rights = rights;
    }

    /**
     * Runs the work on a new planning session and closes it. Waits up to the pool's acquisition
     * timeout for one of the {@value #MAX_SESSIONS} places; failures to reach the database are
     * {@link DatabaseUnavailableException}, as on the pool.
     */
    public <T> T run(Work<T> work) {
        try {
            if (!permits.tryAcquire(wait.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new DatabaseUnavailableException("database unavailable: the agent's " + MAX_SESSIONS
                        + " planning sessions are busy (waited " + wait.toMillis() + " ms)", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatabaseUnavailableException("database unavailable: interrupted while waiting to plan", e);
        }
        try (Connection c = connections.openUnprepared(APPLICATION_NAME, socketTimeout)) {
            return work.run(identify(c));
        } catch (SQLException e) {
            throw database.failure(e);
        } finally {
            permits.release();
        }
    }

    /** What this session's login could do (its reach), read once. */
    private PlanningSession identify(Connection c) throws SQLException {
        Rights.Reach r = rights.reach(c);
        return new PlanningSession(c, r.login(), r.version(), r.acting());
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
