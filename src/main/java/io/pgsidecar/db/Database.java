package io.pgsidecar.db;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The agent's single door to the monitored database: a connection from its own pool, with
 * errors that mean "unreachable" turned into {@link DatabaseUnavailableException} so the admin API
 * can answer 503.
 */
@ApplicationScoped
public class Database {

    /** Work done on one pooled connection. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private final AgroalDataSource dataSource;

    public Database(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    public <T> T withConnection(Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            if (DatabaseUnavailableException.isUnavailable(e)) {
                throw new DatabaseUnavailableException("database unavailable: " + e.getMessage(), e);
            }
            throw new DatabaseException(e);
        }
    }

    public AgroalDataSource dataSource() {
        return dataSource;
    }
}
