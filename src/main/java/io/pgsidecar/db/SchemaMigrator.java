package io.pgsidecar.db;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.jboss.logging.Logger;

/**
 * Applies the agent's own migrations to its own schema, once per database even when many agents
 * start together, and retries until the database is reachable: a database that is down at start-up
 * makes the agent not ready, never crash.
 *
 * <p>Agents serialise on a session advisory lock held on a dedicated connection; Flyway then finds
 * the work done by the first one and does nothing.
 */
@ApplicationScoped
public class SchemaMigrator {

    private static final Logger LOG = Logger.getLogger(SchemaMigrator.class);
    /** Advisory lock class for migrations ('pgsm'); the object half is derived from the schema. */
    static final int LOCK_CLASS = 0x7067736d;

    /** Where migration stands. */
    public record Status(boolean done, Optional<String> lastError, Optional<Instant> doneAt, int applied) {
    }

    /** The migration session's reads give up after this (its statement timeout is 60 s). */
    static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(70);

    private final Flyway flyway;
    private final DirectConnections connections;
    private final DbConfig config;
    private final Database database;
    private volatile Status status = new Status(false, Optional.of("not attempted yet"), Optional.empty(), 0);

    public SchemaMigrator(Flyway flyway, DirectConnections connections, DbConfig config, Database database) {
        this.flyway = flyway;
        this.database = database;
        this.connections = connections;
        this.config = config;
    }

    @Scheduled(every = "${pgsidecar.db.migration-retry}", identity = "schema-migration",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void retryUntilDone() {
        if (!status.done()) {
            migrate();
        }
    }

    /** Runs the migrations if they have not run yet; safe to call concurrently from many agents. */
    public synchronized Status migrate() {
        if (status.done()) {
            return status;
        }
        try (Connection lock = connections.open("pgsidecar-migration", SOCKET_TIMEOUT);
             Statement s = lock.createStatement()) {
            s.execute("/* pgsidecar */ SET statement_timeout = '60s'");
            s.execute("/* pgsidecar */ SELECT pg_catalog.pg_advisory_lock(" + LOCK_CLASS + ", "
                    + config.schema().hashCode() + ")");
            try {
                int applied = flyway.migrate().migrationsExecuted;
                status = new Status(true, Optional.empty(), Optional.of(Instant.now()), applied);
                LOG.infof("schema %s is up to date (%d migration(s) applied by this agent)", config.schema(),
                        applied);
            } finally {
                s.execute("/* pgsidecar */ SELECT pg_catalog.pg_advisory_unlock(" + LOCK_CLASS + ", "
                        + config.schema().hashCode() + ")");
            }
        } catch (SQLException | RuntimeException e) {
            String reason = DatabaseFailures.describe(e, database.target());
            if (!status.lastError().equals(Optional.of(reason))) {
                LOG.warnf("schema migration not done yet, will retry: %s", reason);
            }
            status = new Status(false, Optional.of(reason), Optional.empty(), 0);
        }
        return status;
    }

    public Status status() {
        return status;
    }
}
