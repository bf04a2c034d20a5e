package io.pgsidecar.db;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import java.sql.Connection;
import java.sql.ResultSet;
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
 * the work done by the first one and does nothing. Most starts find the schema already at the
 * latest version: one query says so, and Flyway (some 350 classes, a third of a second at start-up)
 * is then never loaded.
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
    /** The highest {@code V<n>__} under {@code db/migration} (MigrationFilesTest keeps it true). */
    static final int LATEST_VERSION = 7;
    /** Flyway's history table ({@code quarkus.flyway.table}; MigrationFilesTest keeps it true). */
    static final String HISTORY_TABLE = "pgsidecar_schema_history";

    private final Instance<Flyway> flyway;
    private final DirectConnections connections;
    private final DbConfig config;
    private final Database database;
    private volatile Status status = new Status(false, Optional.of("not attempted yet"), Optional.empty(), 0);

    public SchemaMigrator(Instance<Flyway> flyway, DirectConnections connections, DbConfig config, Database database) {
        this.flyway = flyway;
        this.database = database;
        this.connections = connections;
        this.config = config;
    }

    /** The first attempt right after start-up, on a worker (the scheduler's first tick comes later). */
    void onStart(@Observes StartupEvent event) {
        Infrastructure.getDefaultWorkerPool().execute(this::migrate);
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
            if (knownUpToDate(lock)) {
                status = new Status(true, Optional.empty(), Optional.of(Instant.now()), 0);
                LOG.infof("schema %s is up to date at version %d (0 migration(s) applied by this agent)",
                        config.schema(), LATEST_VERSION);
                return status;
            }
            s.execute("/* pgsidecar */ SELECT pg_catalog.pg_advisory_lock(" + LOCK_CLASS + ", "
                    + config.schema().hashCode() + ")");
            try {
                int applied = flyway.get().migrate().migrationsExecuted;
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

    /** The fast check; any failure of it leaves the work to Flyway, which says what is wrong. */
    private boolean knownUpToDate(Connection c) {
        try {
            return upToDate(c, config.schema());
        } catch (SQLException e) {
            LOG.debugf("schema check failed, Flyway decides: %s", e.getMessage());
            return false;
        }
    }

    /**
     * Whether Flyway's history says every migration this agent has ran successfully (a newer agent's
     * later ones may be there too: Flyway ignores those as well). Anything else (no schema, no table,
     * a failed or missing migration) is left to Flyway.
     */
    static boolean upToDate(Connection c, String schema) throws SQLException {
        String table = Identifiers.quote(schema) + "." + Identifiers.quote(HISTORY_TABLE);
        try (Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery(SchemaQueries.HISTORY_EXISTS.formatted(
                    "'" + table.replace("'", "''") + "'"))) {
                if (!rs.next() || !rs.getBoolean(1)) {
                    return false;
                }
            }
            try (ResultSet rs = s.executeQuery(SchemaQueries.UP_TO_DATE.formatted(table, LATEST_VERSION))) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    public Status status() {
        return status;
    }
}
