package io.pgsidecar.health;

import io.pgsidecar.db.Database;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Asks the database for {@code SELECT 1} and waits at most a bounded time. At most one probe is in
 * flight: callers that arrive while one runs share its answer, so a slow database cannot make the
 * probes pile up connections or threads.
 */
@ApplicationScoped
public class DatabaseProbe {

    private final Database database;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "pgsidecar-db-probe");
        t.setDaemon(true);
        return t;
    });
    private CompletableFuture<Void> inFlight;

    public DatabaseProbe(Database database) {
        this.database = database;
    }

    /** Empty when the database answered within {@code timeout}; otherwise why not. */
    public Optional<String> check(Duration timeout) {
        CompletableFuture<Void> probe;
        synchronized (this) {
            if (inFlight == null || inFlight.isDone()) {
                inFlight = CompletableFuture.runAsync(() -> database.withConnection(c -> {
                    try (Statement s = c.createStatement()) {
                        s.setQueryTimeout((int) Math.max(1, timeout.toSeconds()));
                        s.execute(HealthQueries.PING);
                    }
                    return null;
                }), executor);
            }
            probe = inFlight;
        }
        try {
            probe.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return Optional.empty();
        } catch (TimeoutException e) {
            return Optional.of("the database did not answer within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            return Optional.of(cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage());
        }
    }

    void stop(@Observes ShutdownEvent ev) {
        executor.shutdownNow();
    }
}
