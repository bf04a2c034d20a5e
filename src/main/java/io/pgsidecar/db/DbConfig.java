package io.pgsidecar.db;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * The agent's connection to the monitored database and its own small pool.
 *
 * <p>The pool keys here are the documented surface; they feed the Agroal datasource through
 * {@code application.properties} ({@code quarkus.datasource.jdbc.*}), so there is one pool and it
 * never grows past {@link Pool#maxSize()}.
 */
@ConfigMapping(prefix = "pgsidecar.db")
public interface DbConfig {

    /** Schema that holds the agent's own tables and its migration history table. */
    @WithDefault("pgsidecar")
    String schema();

    /**
     * Value of the {@code database} tag on every metric. Defaults to the database name in the
     * connection URL.
     */
    Optional<String> name();

    /** File holding the password (a mounted Secret); read once at start-up. */
    Optional<String> passwordFile();

    /** {@code statement_timeout} set on every connection the agent opens. */
    @WithDefault("10s")
    Duration statementTimeout();

    /** {@code lock_timeout} set on every connection: no DDL of the agent waits longer for a lock. */
    @WithDefault("2s")
    Duration lockTimeout();

    /** {@code idle_in_transaction_session_timeout} set on every connection. */
    @WithDefault("60s")
    Duration idleInTransactionSessionTimeout();

    /** How often migrations are retried while the database is unreachable. */
    @WithDefault("5s")
    Duration migrationRetry();

    /** The pool. */
    Pool pool();

    /** Settings of the agent's own Agroal pool. */
    interface Pool {
        /** Most connections the agent ever holds (env DB_POOL_SIZE). */
        @WithDefault("3")
        int maxSize();

        /** Connections kept open when idle. */
        @WithDefault("0")
        int minSize();

        /** How long a caller waits for a free connection before failing (env DB_POOL_TIMEOUT). */
        @WithDefault("5s")
        Duration acquisitionTimeout();

        /** Connections older than this are closed and replaced (env DB_POOL_RECYCLE). */
        @WithDefault("30m")
        Duration maxLifetime();

        /** Idle connections are removed after this long. */
        @WithDefault("5m")
        Duration idleRemoval();

        /** A connection held longer than this is reported as a leak. */
        @WithDefault("1m")
        Duration leakDetection();

        /** Check a connection before handing it out (env DB_POOL_PRE_PING). */
        @WithDefault("true")
        boolean validateOnBorrow();
    }
}
