package io.pgsidecar.health;

import io.pgsidecar.db.Database;
import io.pgsidecar.db.DatabaseUnavailableException;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Asks the database for {@code SELECT 1} within a bound and says why it could not: the cause
 * PostgreSQL or the network gave (authentication failed for user X, connection refused at
 * host:port, no free connection slots, no answer within N ms), never the password. At most one
 * probe is in flight: callers that arrive while one runs share its answer, so a slow database
 * cannot make the probes pile up connections or threads.
 */
@ApplicationScoped
public class DatabaseProbe {

    private final Database database;
    private CompletableFuture<Optional<String>> inFlight;

    public DatabaseProbe(Database database) {
        this.database = database;
    }

    /** Empty when the database answered within {@code timeout}; otherwise why not. */
    public Optional<String> check(Duration timeout) {
        CompletableFuture<Optional<String>> probe;
        boolean mine = false;
        synchronized (this) {
            if (inFlight == null || inFlight.isDone()) {
                inFlight = new CompletableFuture<>();
                mine = true;
            }
            probe = inFlight;
        }
        if (mine) {
            probe.complete(ping(timeout));
        }
        try {
            return probe.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return Optional.of("no answer from " + database.target().address() + " within " + timeout.toMillis()
                    + " ms" + database.lastFailure().map(f -> " (last error: " + f.cause() + ")").orElse(""));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        } catch (ExecutionException e) {
            return Optional.of(String.valueOf(e.getCause().getMessage()));
        }
    }

    private Optional<String> ping(Duration timeout) {
        try {
            database.withConnection(timeout, c -> {
                try (Statement s = c.createStatement()) {
                    s.execute(HealthQueries.PING);
                }
                return null;
            });
            return Optional.empty();
        } catch (DatabaseUnavailableException e) {
            return Optional.of(e.getMessage().replaceFirst("^database unavailable: ", ""));
        } catch (io.pgsidecar.db.DatabaseBusyException e) {
            // it answered, with its own timeout: busy is not unreachable
            return Optional.empty();
        } catch (RuntimeException e) {
            return Optional.of(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }
}
