package io.pgsidecar.db;

import io.pgsidecar.db.Migrations.Migration;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Applies the agent's own migrations to its own schema, once per database even when many agents
 * start together, and retries until the database is reachable: a database that is down at start-up
 * makes the agent not ready, never crash.
 *
 * <p>Most starts find the schema already at the latest version: one query says so. Otherwise the
 * agents serialise on a session advisory lock held on a dedicated connection, and the one holding it
 * applies what is missing, each migration and its history row in one transaction, so a failure
 * leaves no half-applied migration behind. The history table has Flyway's layout, checksums and
 * rows (agents up to 0.1 ran Flyway itself), and the same rules: a migration whose file changed
 * after it ran, a failed one, a gap, or a schema that holds other objects but no history stops the
 * agent from touching the schema, with the reason in its readiness.
 */
@ApplicationScoped
public class SchemaMigrator {

    private static final Logger LOG = Logger.getLogger(SchemaMigrator.class);
    /** Advisory lock class for migrations ('pgsm'); the object half is derived from the schema. */
    static final int LOCK_CLASS = AdvisoryLockKeys.MIGRATION;

    /** Where migration stands. */
    public record Status(boolean done, Optional<String> lastError, Optional<Instant> doneAt, int applied) {
    }

    /** The migration session's reads give up after this (its statement timeout is 60 s). */
    static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(70);
    /** The highest {@code V<n>__} under {@code db/migration} (MigrationFilesTest keeps it true). */
    static final int LATEST_VERSION = 7;
    /** The history table, in the agent's schema. */
    static final String HISTORY_TABLE = "pgsidecar_schema_history";

    private final DirectConnections connections;
    private final DbConfig config;
    private final Database database;
    private volatile Status status = new Status(false, Optional.of("not attempted yet"), Optional.empty(), 0);

    public SchemaMigrator(DirectConnections connections, DbConfig config, Database database) {
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
            List<Migration> migrations = Migrations.bundled();
            if (knownUpToDate(lock, migrations)) {
                status = new Status(true, Optional.empty(), Optional.of(Instant.now()), 0);
                LOG.infof("schema %s is up to date at version %d (0 migration(s) applied by this agent)",
                        config.schema(), LATEST_VERSION);
                return status;
            }
            s.execute("/* pgsidecar */ SELECT pg_catalog.pg_advisory_lock(" + LOCK_CLASS + ", "
                    + config.schema().hashCode() + ")");
            try {
                int applied = apply(lock, config.schema(), migrations);
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

    /**
     * Brings {@code schema} to the last of {@code migrations} (in version order) and returns how
     * many it applied. The caller holds the migration lock; {@code c} is in autocommit mode and is
     * left so. Throws {@link IllegalStateException} when the history forbids going on (nothing is
     * changed then) and the SQL error of a migration that failed (that migration is rolled back).
     */
    static int apply(Connection c, String schema, List<Migration> migrations) throws SQLException {
        String table = Identifiers.quote(schema) + "." + Identifiers.quote(HISTORY_TABLE);
        if (!historyExists(c, table)) {
            createHistory(c, schema, table);
        }
        Map<Integer, Integer> checksums = new HashMap<>();
        int highest = 0;
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(SchemaQueries.APPLIED.formatted(table))) {
            while (rs.next()) {
                String version = rs.getString(1);
                if (!rs.getBoolean(3)) {
                    throw new IllegalStateException("migration " + version + " is recorded as failed in " + table
                            + "; the agent will not touch schema " + schema + " until that row is dealt with");
                }
                if (version.matches("[0-9]{1,9}")) {
                    int v = Integer.parseInt(version);
                    checksums.put(v, rs.getObject(2) == null ? null : rs.getInt(2));
                    highest = Math.max(highest, v);
                }
            }
        }
        for (Migration m : migrations) {
            if (checksums.containsKey(m.version())) {
                Integer recorded = checksums.get(m.version());
                if (recorded != null && recorded != m.checksum()) {
                    throw new IllegalStateException("migration " + m.script() + " differs from the one applied to schema "
                            + schema + " (checksum " + recorded + " in " + table + ", " + m.checksum() + " in this agent)");
                }
            } else if (m.version() < highest) {
                throw new IllegalStateException("migration " + m.script() + " was never applied to schema " + schema
                        + ", but later version " + highest + " was; the agent will not apply it out of order");
            }
        }
        int applied = 0;
        for (Migration m : migrations) {
            if (!checksums.containsKey(m.version())) {
                run(c, table, schema, m);
                applied++;
            }
        }
        return applied;
    }

    private static boolean historyExists(Connection c, String table) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(SchemaQueries.HISTORY_EXISTS.formatted(
                     "'" + table.replace("'", "''") + "'"))) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    /** The history table, and the schema first when there is none; refuses a schema in use. */
    private static void createHistory(Connection c, String schema, String table) throws SQLException {
        boolean exists;
        boolean occupied;
        try (PreparedStatement ps = c.prepareStatement(SchemaQueries.SCHEMA_STATE)) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                exists = rs.getBoolean(1);
                occupied = rs.getBoolean(2);
            }
        }
        if (occupied) {
            throw new IllegalStateException("schema " + schema + " already holds tables or functions but no "
                    + HISTORY_TABLE + " table: it is not the agent's; set pgsidecar.db.schema to a schema of its own");
        }
        inTransaction(c, () -> {
            try (Statement s = c.createStatement()) {
                if (!exists) {
                    s.execute(SchemaQueries.CREATE_SCHEMA.formatted(table, Identifiers.quote(schema)));
                }
                s.execute(SchemaQueries.CREATE_HISTORY.formatted(table, Identifiers.quote(schema), HISTORY_TABLE));
            }
            if (!exists) {
                try (PreparedStatement ps = c.prepareStatement(SchemaQueries.SCHEMA_CREATED.formatted(table))) {
                    ps.setString(1, Identifiers.quote(schema));
                    ps.executeUpdate();
                }
            }
        });
    }

    /** One migration and its history row, together or not at all. */
    private static void run(Connection c, String table, String schema, Migration m) throws SQLException {
        long started = System.nanoTime();
        try {
            inTransaction(c, () -> {
                try (Statement s = c.createStatement()) {
                    s.execute(m.sqlFor(schema));
                }
                try (PreparedStatement ps = c.prepareStatement(SchemaQueries.RECORD.formatted(table))) {
                    ps.setString(1, Integer.toString(m.version()));
                    ps.setString(2, m.description());
                    ps.setString(3, m.script());
                    ps.setInt(4, m.checksum());
                    ps.setInt(5, (int) Duration.ofNanos(System.nanoTime() - started).toMillis());
                    ps.executeUpdate();
                }
            });
        } catch (SQLException e) {
            throw new SQLException("migration " + m.script() + " failed and was rolled back: " + e.getMessage(),
                    e.getSQLState(), e);
        }
        LOG.infof("applied migration %s to schema %s", m.script(), schema);
    }

    private interface Work {
        void run() throws SQLException;
    }

    /**
     * Runs {@code work} in one transaction on {@code c} and leaves {@code c} in autocommit. Whatever
     * {@code work} throws (an {@link Error} too) rolls the transaction back first: switching
     * autocommit back on would commit it. When the rollback itself fails, the session is closed,
     * which makes the server roll back, and the original failure is the one thrown.
     */
    private static void inTransaction(Connection c, Work work) throws SQLException {
        c.setAutoCommit(false);
        try {
            work.run();
            c.commit();
        } catch (Throwable t) {
            try {
                c.rollback();
                c.setAutoCommit(true);
            } catch (SQLException | RuntimeException e) {
                t.addSuppressed(e);
                try {
                    c.close();
                } catch (SQLException closing) {
                    t.addSuppressed(closing);
                }
            }
            throw t;
        }
        c.setAutoCommit(true);
    }

    /** The fast check; any failure of it leaves the work to the full path, which says what is wrong. */
    private boolean knownUpToDate(Connection c, List<Migration> migrations) {
        try {
            return upToDate(c, config.schema(), migrations);
        } catch (SQLException e) {
            LOG.debugf("schema check failed, the full path decides: %s", e.getMessage());
            return false;
        }
    }

    /**
     * Whether the history says every one of {@code migrations} ran successfully with the checksum
     * its file has now, and none failed (a newer agent's later ones may be there too: they are left
     * alone). Anything else (no schema, no table, a failed, missing or changed migration) is left to
     * {@link #apply}, which refuses or applies. One query.
     */
    static boolean upToDate(Connection c, String schema, List<Migration> migrations) throws SQLException {
        String table = Identifiers.quote(schema) + "." + Identifiers.quote(HISTORY_TABLE);
        if (!historyExists(c, table)) {
            return false;
        }
        StringBuilder values = new StringBuilder();
        for (Migration m : migrations) {
            values.append(values.length() == 0 ? "" : ", ").append("('").append(m.version()).append("', ")
                    .append(m.checksum()).append(')');
        }
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(SchemaQueries.UP_TO_DATE.formatted(table, values, migrations.size()))) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    public Status status() {
        return status;
    }
}
