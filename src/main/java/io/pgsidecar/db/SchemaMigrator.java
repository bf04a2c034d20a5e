package io.pgsidecar.db;

import io.pgsidecar.db.Migrations.Migration;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.CoreErrorCode;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.exception.FlywayValidateException;
import org.flywaydb.core.api.output.ValidateOutput;
import org.flywaydb.core.api.output.ValidateResult;
import org.flywaydb.core.internal.exception.FlywayMigrateException;
import org.flywaydb.database.postgresql.PostgreSQLConfigurationExtension;

/**
 * Brings the agent's own schema to the migrations it ships, once per database even when many
 * agents start together, and retries until the database is reachable: a database that is down at
 * start-up makes the agent not ready, never crash.
 *
 * <p>Most starts find the schema already at the latest version: one query on the history table
 * says so, and Flyway is never built. Otherwise Flyway applies what is pending, on one session of
 * the observing login that first takes the migration advisory lock, so agents serialise and the
 * one that comes second finds nothing to do. Flyway's rules stand: a migration whose file changed
 * after it ran, a failed one, one missing below an applied one, or a schema that holds other
 * objects but no history stops the agent from touching the schema, with the reason in its
 * readiness.
 */
@ApplicationScoped
public class SchemaMigrator {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(SchemaMigrator.class);
    /**
     * Advisory lock class for migrations ('pgsm'); the object half is the schema name's
     * {@code String.hashCode()}. Every release takes this same key, so an agent of the previous
     * release and one of this release never migrate one schema at the same time.
     */
    static final int LOCK_CLASS = AdvisoryLockKeys.MIGRATION;

    /** Where migration stands. */
    public record Status(boolean done, Optional<String> lastError, Optional<Instant> doneAt, int applied) {
    }

    /** The migration session's reads give up after this (its statement timeout is 60 s). */
    static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(70);
    /** The migration session's statement timeout: DDL on the agent's tables may outlast a poll's. */
    static final Duration STATEMENT_TIMEOUT = Duration.ofSeconds(60);
    /** The highest {@code V<n>__} under {@code db/migration} (MigrationFilesTest keeps it true). */
    static final int LATEST_VERSION = 8;
    /** Flyway's history table, in the agent's schema ({@code quarkus.flyway.table}; MigrationFilesTest keeps it true). */
    static final String HISTORY_TABLE = "pgsidecar_schema_history";

    /** Opens a new session of the observing login, with the agent's session limits. */
    @FunctionalInterface
    interface Sessions {
        Connection open() throws SQLException;
    }

    private final Instance<Flyway> flyway;
    private final DirectConnections connections;
    private final DbConfig config;
    private final Database database;
    private volatile Status status = new Status(false, Optional.of("not attempted yet"), Optional.empty(), 0);

    /**
     * {@code flyway} is the Quarkus extension's bean, built on first use only
     * ({@code quarkus.flyway.active=false} keeps it out of start-up): its configuration carries the
     * migration files found at build time, which is what makes Flyway work in the native image.
     */
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
        Sessions sessions = () -> connections.open("pgsidecar-migration", SOCKET_TIMEOUT);
        try {
            if (knownUpToDate(sessions, Migrations.bundled())) {
                status = new Status(true, Optional.empty(), Optional.of(Instant.now()), 0);
                LOG.infof("schema %s is up to date at version %d (0 migration(s) applied by this agent)",
                        config.schema(), LATEST_VERSION);
                return status;
            }
            Flyway configured = flyway.get();
            FluentConfiguration base = Flyway.configure(configured.getConfiguration().getClassLoader())
                    .configuration(configured.getConfiguration());
            int applied = apply(sessions, config.schema(), base);
            status = new Status(true, Optional.empty(), Optional.of(Instant.now()), applied);
            LOG.infof("schema %s is up to date (%d migration(s) applied by this agent)", config.schema(), applied);
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
     * Brings {@code schema} to the last of the migrations {@code base} locates, with Flyway, and
     * returns how many it applied. Flyway works on one session from {@code sessions}, which holds
     * the migration lock for as long as it is open; the schema, its history table and the rules
     * are set here, whatever {@code base} says. Throws {@link IllegalStateException} when the
     * history forbids going on (nothing is changed then) and an {@link SQLException} naming the
     * migration that failed (rolled back with its history row).
     */
    static int apply(Sessions sessions, String schema, FluentConfiguration base) throws SQLException {
        FluentConfiguration conf = base
                .dataSource(new LockedSession(sessions, schema))
                .schemas(schema)
                .defaultSchema(schema)
                .table(HISTORY_TABLE)
                .createSchemas(true)
                .baselineOnMigrate(false)
                .validateOnMigrate(true)
                .outOfOrder(false)
                .cleanDisabled(true)
                .connectRetries(0)
                // a newer agent's later migrations are left alone; pending ones are what migrate is for
                .ignoreMigrationPatterns("*:future", "*:pending");
        // a session-level lock: Flyway then works on the one session that holds the agent's lock
        conf.getPluginRegister().getExact(PostgreSQLConfigurationExtension.class).setTransactionalLock(false);
        Flyway fw = conf.load();
        String table = Identifiers.quote(schema) + "." + Identifiers.quote(HISTORY_TABLE);
        try {
            return fw.migrate().migrationsExecuted;
        } catch (FlywayValidateException e) {
            throw refusal(schema, table, fw.validateWithResult(), e);
        } catch (FlywayMigrateException e) {
            SQLException cause = sqlCause(e);
            throw new SQLException("migration " + fileName(e.getMigration().getScript()) + " failed and "
                    + (e.isExecutableInTransaction() ? "was rolled back" : "ran outside a transaction: check what it left")
                    + ": " + (cause == null ? firstLine(e.getMessage()) : firstLine(cause.getMessage())),
                    cause == null ? null : cause.getSQLState(), e);
        } catch (FlywayException e) {
            if (e.getErrorCode() == CoreErrorCode.NON_EMPTY_SCHEMA_WITHOUT_SCHEMA_HISTORY_TABLE) {
                throw new IllegalStateException("schema " + schema + " already holds tables or functions but no "
                        + HISTORY_TABLE + " table: it is not the agent's; set pgsidecar.db.schema to a schema of its own");
            }
            throw e;
        }
    }

    /** Flyway's validation failures, one sentence each, as the readiness check shows them. */
    private static IllegalStateException refusal(String schema, String table, ValidateResult result,
                                                 FlywayValidateException e) {
        String reasons = result.validationSuccessful || result.invalidMigrations.isEmpty()
                ? flatten(e.getMessage())
                : result.invalidMigrations.stream().map(o -> reason(o, table)).collect(Collectors.joining("; "));
        return new IllegalStateException("the agent will not touch schema " + schema + ": " + reasons);
    }

    private static String reason(ValidateOutput o, String table) {
        String name = o.filepath == null || o.filepath.isEmpty() ? "version " + o.version : fileName(o.filepath);
        CoreErrorCode code = o.errorDetails.errorCode instanceof CoreErrorCode c ? c : CoreErrorCode.ERROR;
        return switch (code) {
            case CHECKSUM_MISMATCH -> "migration " + name + " differs from the one applied (its checksum in " + table
                    + " is not this agent's file's: " + flatten(o.errorDetails.errorMessage) + ")";
            case FAILED_VERSIONED_MIGRATION -> "migration " + o.version + " (" + o.description + ") is recorded as failed in "
                    + table + "; remove what it left and that row (or run Flyway's repair) before the agent goes on";
            case RESOLVED_VERSIONED_MIGRATION_NOT_APPLIED -> "migration " + name
                    + " was never applied, but a later version was; the agent will not apply it out of order";
            case APPLIED_VERSIONED_MIGRATION_NOT_RESOLVED -> "version " + o.version + " is recorded in " + table
                    + " but this agent has no such migration below its latest";
            default -> flatten(o.errorDetails.errorMessage);
        };
    }

    /** Flyway's multi-line text on one line, without its advertising line. */
    private static String flatten(String message) {
        return message.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("Need more flexibility"))
                .collect(Collectors.joining(" "));
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("").strip();
    }

    private static String fileName(String path) {
        return path == null ? "" : path.substring(path.lastIndexOf('/') + 1);
    }

    private static SQLException sqlCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException s) {
                return s;
            }
        }
        return null;
    }

    /** The fast check; any failure of it leaves the work to Flyway, which says what is wrong. */
    private boolean knownUpToDate(Sessions sessions, List<Migration> migrations) {
        try (Connection c = sessions.open()) {
            return upToDate(c, config.schema(), migrations);
        } catch (SQLException e) {
            LOG.debugf("schema check failed, Flyway decides: %s", e.getMessage());
            return false;
        }
    }

    /**
     * Whether the history says every one of {@code migrations} ran successfully with the checksum
     * its file has now, and none failed: exactly when Flyway would find nothing to do and nothing
     * to refuse (a newer agent's later ones may be there too: they are left alone). Anything else
     * (no schema, no table, a failed, missing or changed migration) is left to Flyway, which
     * refuses or applies. One query.
     */
    static boolean upToDate(Connection c, String schema, List<Migration> migrations) throws SQLException {
        String table = Identifiers.quote(schema) + "." + Identifiers.quote(HISTORY_TABLE);
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(SchemaQueries.HISTORY_EXISTS.formatted(
                     "'" + table.replace("'", "''") + "'"))) {
            if (!rs.next() || !rs.getBoolean(1)) {
                return false;
            }
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

    /**
     * What Flyway sees as its data source: each connection it asks for is a new session from
     * {@code sessions} with the migration statement timeout, that has waited for the migration
     * lock (at most {@code lock_timeout}, then the attempt fails and is retried). The lock goes
     * with the session when Flyway closes it. Flyway asks for one connection per command, since
     * its PostgreSQL lock is set to session level.
     */
    private static final class LockedSession implements DataSource {

        private final Sessions sessions;
        private final String schema;

        LockedSession(Sessions sessions, String schema) {
            this.sessions = sessions;
            this.schema = schema;
        }

        @Override
        public Connection getConnection() throws SQLException {
            Connection c = sessions.open();
            try (Statement s = c.createStatement()) {
                s.execute("/* pgsidecar */ SET statement_timeout = " + STATEMENT_TIMEOUT.toMillis());
                s.execute("/* pgsidecar */ SELECT pg_catalog.pg_advisory_lock(" + LOCK_CLASS + ", "
                        + schema.hashCode() + ")");
            } catch (SQLException | RuntimeException e) {
                try {
                    c.close();
                } catch (SQLException closing) {
                    e.addSuppressed(closing);
                }
                throw e;
            }
            return c;
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            throw new SQLFeatureNotSupportedException("the migration session is the observing login's");
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    }
}
