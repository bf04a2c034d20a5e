package io.pgsidecar.db;

import io.agroal.api.AgroalPoolInterceptor;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Sets the agent's session limits on every new connection of its pool, so no statement it sends
 * runs unbounded and no DDL waits on a lock longer than {@code lock_timeout}.
 */
@ApplicationScoped
public class SessionSettings implements AgroalPoolInterceptor {

    private final DbConfig config;

    public SessionSettings(DbConfig config) {
        this.config = config;
    }

    @Override
    public void onConnectionCreate(Connection connection) {
        try (Statement s = connection.createStatement()) {
            s.execute(sql(config));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot set session limits: " + e.getMessage(), e);
        }
    }

    /** The SET statements for a new session; values are whole milliseconds, never user text. */
    public static String sql(DbConfig config) {
        return "/* pgsidecar */ SET application_name = 'pgsidecar'; "
                + "SET statement_timeout = " + config.statementTimeout().toMillis() + "; "
                + "SET lock_timeout = " + config.lockTimeout().toMillis() + "; "
                + "SET idle_in_transaction_session_timeout = "
                + config.idleInTransactionSessionTimeout().toMillis();
    }
}
