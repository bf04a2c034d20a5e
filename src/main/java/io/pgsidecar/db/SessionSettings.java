package io.pgsidecar.db;

import io.agroal.api.AgroalPoolInterceptor;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * Sets the agent's session limits on every new connection of its pool, so no statement it sends
 * runs unbounded, no DDL waits on a lock longer than {@code lock_timeout}, no read waits on a dead
 * network for ever, and the server notices a vanished agent.
 */
@ApplicationScoped
public class SessionSettings implements AgroalPoolInterceptor {

    /**
     * Server-side TCP keepalives of every agent session: probes after 5 s idle, every 2 s, 3 lost:
     * the server ends the session of an agent it can no longer reach within about 11 s, under the
     * default 15 s leader lease. They travel in the startup packet (the driver's {@code options}),
     * not in a later SET: a session whose SET was lost to a partition right after the login would
     * otherwise sit on the server with the system's two-hour keepalive, holding a connection slot
     * the agent no longer knows about. The pool gets the same value from
     * {@code quarkus.datasource.jdbc.additional-jdbc-properties.options}; a test compares the two.
     */
    public static final String STARTUP_OPTIONS =
            "-c tcp_keepalives_idle=5 -c tcp_keepalives_interval=2 -c tcp_keepalives_count=3";
    /** A read on a pooled connection gives up this long after the statement timeout. */
    static final Duration SOCKET_MARGIN = Duration.ofSeconds(5);
    private static final Executor DIRECT = Runnable::run;

    private final DbConfig config;

    public SessionSettings(DbConfig config) {
        this.config = config;
    }

    @Override
    public void onConnectionCreate(Connection connection) {
        try (Statement s = connection.createStatement()) {
            s.execute(sql(config, "pgsidecar"));
            connection.setNetworkTimeout(DIRECT, (int) socketTimeout(config).toMillis());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot set session limits: " + e.getMessage(), e);
        }
    }

    /** How long a read on a pooled connection may wait: the statement timeout plus a margin. */
    static Duration socketTimeout(DbConfig config) {
        return config.statementTimeout().plus(SOCKET_MARGIN);
    }

    /** The SET statements for a new session; values are whole milliseconds and fixed names, never user text. */
    public static String sql(DbConfig config, String applicationName) {
        return "/* pgsidecar */ SET application_name = '" + applicationName + "'; "
                + "SET statement_timeout = " + config.statementTimeout().toMillis() + "; "
                + "SET lock_timeout = " + config.lockTimeout().toMillis() + "; "
                + "SET idle_in_transaction_session_timeout = "
                + config.idleInTransactionSessionTimeout().toMillis();
    }
}
