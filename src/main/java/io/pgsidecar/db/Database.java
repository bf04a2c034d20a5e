package io.pgsidecar.db;

import io.agroal.api.AgroalDataSource;
import io.pgsidecar.config.DatabaseName;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The agent's single door to the monitored database: work on a connection of its own pool, done
 * within a bound whatever the network does.
 *
 * <p>Each call first takes one of {@code max-size} permits (waiting parked, not spinning), so at most
 * that many callers ever reach the pool. Request work ({@link #withConnection}) then runs on one of
 * as many worker threads and the caller waits at most its bound, by default the pool's acquisition
 * timeout: an admin request that needs the database answers within it. A call that runs out of time
 * answers {@link DatabaseUnavailableException} at once; its worker keeps its permit until the
 * statement ends or the connection's socket timeout fires, so a dead network ties up at most
 * {@code max-size} threads, costs no CPU, and never grows the pool. Scheduled jobs
 * ({@link #forJob}) run on their own thread, bounded by the same timeouts. Every failure to reach or
 * use the database becomes {@link DatabaseUnavailableException} with the cause in words
 * ({@link DatabaseFailures}); the last one is kept for readiness and the health report.
 */
@ApplicationScoped
public class Database {

    /** Work done on one pooled connection. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /** The last failure to reach or use the database, and when it happened. */
    public record Failure(Instant at, String cause) {
    }

    private final AgroalDataSource dataSource;
    private final Semaphore permits;
    private final int maxSize;
    private final ThreadPoolExecutor workers;
    private final Duration requestBound;
    private final DatabaseFailures.Target target;
    private final String agentSchema;
    /** When each permit now held was taken (System.nanoTime), to say what a full pool is waiting on. */
    private final ConcurrentHashMap<Object, Long> held = new ConcurrentHashMap<>();
    private volatile Failure lastFailure;

    public Database(AgroalDataSource dataSource, DbConfig config, DatabaseName name,
                    @ConfigProperty(name = "quarkus.datasource.username") Optional<String> user) {
        this.dataSource = dataSource;
        this.maxSize = Math.max(1, config.pool().maxSize());
        this.permits = new Semaphore(maxSize, true);
        this.requestBound = config.pool().acquisitionTimeout();
        this.agentSchema = config.schema();
        this.target = new DatabaseFailures.Target(name.host(), name.port(), name.urlDatabase(), user.orElse("(default)"));
        AtomicInteger n = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(maxSize, maxSize, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                r -> {
                    Thread t = new Thread(r, "pgsidecar-db-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        workers.allowCoreThreadTimeOut(true);
    }

    /**
     * Work bounded by the pool's acquisition timeout: what an admin request may wait. The work runs
     * on a worker thread, so it must only use the connection and return what it read: no locks,
     * no shared state (the caller may have given up while it still runs).
     */
    public <T> T withConnection(Work<T> work) {
        return withConnection(requestBound, work);
    }

    /**
     * Work of a scheduled job, on the calling thread: it may keep its own state and locks. It waits
     * for a connection at most the acquisition timeout (parked, not spinning); after that it is
     * bounded by the statement timeout and, on a dead network, the connection's socket timeout.
     */
    public <T> T forJob(Work<T> work) {
        Object permit = acquire(requestBound);
        try (Connection c = dataSource.getConnection()) {
            T value = work.run(c);
            lastFailure = null;
            return value;
        } catch (SQLException e) {
            throw translate(e);
        } finally {
            release(permit);
        }
    }

    /** Work bounded by {@code bound}, from the call until the answer (see {@link #withConnection(Work)}). */
    public <T> T withConnection(Duration bound, Work<T> work) {
        long deadline = System.nanoTime() + bound.toNanos();
        Object permit = acquire(bound);
        Future<T> result;
        try {
            result = workers.submit(() -> {
                try (Connection c = dataSource.getConnection()) {
                    return work.run(c);
                } finally {
                    release(permit);
                }
            });
        } catch (RejectedExecutionException e) {
            release(permit);
            throw unavailable("the agent is shutting down", e);
        }
        try {
            T value = result.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            lastFailure = null;
            return value;
        } catch (TimeoutException e) {
            // not cancelled: the worker finishes (or its socket times out) and then frees its permit
            if (lastFailure == null) {
                lastFailure = new Failure(Instant.now(), "no answer from " + target.address() + " (timeout)");
            }
            throw unavailable("no answer from " + target.address() + " within " + bound.toMillis() + " ms"
                    + lastFailure().map(f -> " (last error: " + f.cause() + ")").orElse(""), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("interrupted while waiting for the database", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SQLException sql) {
                throw translate(sql);
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(cause);
        }
    }

    /**
     * One of the {@code max-size} permits, waiting parked at most {@code bound}; the token it returns
     * goes back through {@link #release}. When none frees up in time, the message names the cause:
     * the last error if there was one, else how long the oldest holder has gone without an answer
     * (on a server that accepts and never answers, callers give up before any error exists).
     */
    private Object acquire(Duration bound) {
        try {
            if (!permits.tryAcquire(bound.toNanos(), TimeUnit.NANOSECONDS)) {
                throw unavailable("the agent's " + maxSize + " connections are all busy (waited "
                        + bound.toMillis() + " ms); " + whyBusy(), null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("interrupted while waiting for a connection", e);
        }
        Object permit = new Object();
        held.put(permit, System.nanoTime());
        return permit;
    }

    private void release(Object permit) {
        held.remove(permit);
        permits.release();
    }

    /**
     * Why every connection is busy: how long the longest-held has waited for the server, and the last
     * error with its age. Both, always: whether that error is history (sessions an administrator
     * ended before the server stopped answering) or the cause cannot be told from its time alone; a
     * stale connection found while a holder starts to wait fails after the holder took its permit.
     */
    private String whyBusy() {
        Optional<Failure> last = lastFailure();
        long oldest = held.values().stream().mapToLong(t -> System.nanoTime() - t).max().orElse(0);
        String silence = "the longest-held has had no answer from " + target.address() + " for "
                + TimeUnit.NANOSECONDS.toMillis(oldest) + " ms";
        return last.map(f -> silence + "; last error " + Duration.between(f.at(), Instant.now()).toMillis()
                + " ms ago: " + f.cause()).orElse(silence);
    }

    /** A statement's error as the agent reports it: unavailable (with the cause) or a database error. */
    public RuntimeException failure(SQLException e) {
        return translate(e);
    }

    private RuntimeException translate(SQLException e) {
        String state = e.getSQLState();
        if (("42P01".equals(state) || "3F000".equals(state))
                && String.valueOf(e.getMessage()).contains("\"" + agentSchema)) {
            // the agent's own tables are missing: its migrations have not run yet (start-up, or a
            // database that was unreachable until now)
            return new DatabaseUnavailableException("database unavailable: the agent's schema " + agentSchema
                    + " is not migrated yet", e);
        }
        String busy = DatabaseFailures.busy(e);
        if (busy != null) {
            // the server answered: busy, not down, so not the database's last failure
            String cause = DatabaseFailures.describe(e, target);
            return "55P03".equals(busy) ? new DatabaseBusyException.LockTimeout(cause, e)
                    : new DatabaseBusyException.StatementTimeout(cause, e);
        }
        if (DatabaseFailures.isUnavailable(e)) {
            String cause = DatabaseFailures.describe(e, target);
            lastFailure = new Failure(Instant.now(), cause);
            return new DatabaseUnavailableException("database unavailable: " + cause, e);
        }
        return new DatabaseException(e);
    }

    private DatabaseUnavailableException unavailable(String why, Throwable cause) {
        return new DatabaseUnavailableException("database unavailable: " + why, cause);
    }

    /** The last failure to reach or use the database since the last success, if any. */
    public Optional<Failure> lastFailure() {
        return Optional.ofNullable(lastFailure);
    }

    /** Where the agent connects (for messages; never with a password). */
    public DatabaseFailures.Target target() {
        return target;
    }

    public AgroalDataSource dataSource() {
        return dataSource;
    }

    void stop(@Observes ShutdownEvent ev) {
        workers.shutdownNow();
    }
}
