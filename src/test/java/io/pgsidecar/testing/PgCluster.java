package io.pgsidecar.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A real PostgreSQL server started for tests. Implementations clean up after themselves on
 * {@link #close()} and, as a safety net, when the JVM exits.
 */
public interface PgCluster extends AutoCloseable {

    String USER = "postgres";
    String PASSWORD = "postgres";

    String host();

    int port();

    /** Major version of the running server (13 … 18). */
    int majorVersion();

    default String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host() + ":" + port() + "/" + database;
    }

    default String jdbcUrl() {
        return jdbcUrl("postgres");
    }

    /** {@code postgresql://user:password@host:port/db}, the DATABASE_URL form. */
    default String databaseUrl(String database) {
        return "postgresql://" + USER + ":" + PASSWORD + "@" + host() + ":" + port() + "/" + database;
    }

    default Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), USER, PASSWORD);
    }

    /** A session that shows up in pg_stat_activity under {@code applicationName}, as a client would. */
    default Connection connect(String database, String applicationName) throws SQLException {
        java.util.Properties p = new java.util.Properties();
        p.setProperty("user", USER);
        p.setProperty("password", PASSWORD);
        p.setProperty("ApplicationName", applicationName);
        return DriverManager.getConnection(jdbcUrl(database), p);
    }

    default Connection connect() throws SQLException {
        return connect("postgres");
    }

    /** Creates a fresh database (with pg_stat_statements installed) and returns its name. */
    default String createDatabase(String name) {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE \"" + name + "\"");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name, e);
        }
        try (Connection c = connect(name); Statement s = c.createStatement()) {
            s.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot install pg_stat_statements in " + name, e);
        }
        return name;
    }

    /** The postmaster's process id, for tests that freeze it ({@code kill -STOP}). */
    default long postmasterPid() {
        throw new UnsupportedOperationException("no process id for this kind of cluster");
    }

    /** Restarts the server inside a network namespace, on {@code address} (see {@link NetworkPartition}). */
    default void moveToNetworkNamespace(String namespace, String address) {
        throw new UnsupportedOperationException("network namespaces need local binaries");
    }

    /** Stops the server (fast shutdown); the data directory and port are kept. */
    void stop();

    /** Starts a stopped server again on the same port. */
    void start();

    /**
     * A streaming replica of this server, started and caught up. The caller owns it and closes it.
     */
    PgCluster newReplica();

    @Override
    void close();
}
