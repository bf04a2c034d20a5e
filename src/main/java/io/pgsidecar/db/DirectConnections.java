package io.pgsidecar.db;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.Properties;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Connections opened outside the pool, for the few jobs that must hold one session for a long
 * time (the leader's advisory lock, the migration lock). They carry the same session limits as the
 * pool's and their own {@code application_name}, so a DBA can tell them apart.
 */
@ApplicationScoped
public class DirectConnections {

    private final Optional<String> url;
    private final Optional<String> user;
    private final Optional<String> password;
    private final DbConfig config;

    public DirectConnections(@ConfigProperty(name = "quarkus.datasource.jdbc.url") Optional<String> url,
                             @ConfigProperty(name = "quarkus.datasource.username") Optional<String> user,
                             @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password,
                             DbConfig config) {
        this.url = url;
        this.user = user;
        this.password = password;
        this.config = config;
    }

    /**
     * Opens a new session named {@code applicationName}, with TCP keepalives short enough that the
     * server notices a vanished client (and frees its locks) within about fifteen seconds.
     */
    public Connection open(String applicationName) throws SQLException {
        Properties props = new Properties();
        user.ifPresent(u -> props.setProperty("user", u));
        password.ifPresent(p -> props.setProperty("password", p));
        props.setProperty("ApplicationName", applicationName);
        props.setProperty("connectTimeout", "5");
        props.setProperty("socketTimeout", "30");
        props.setProperty("tcpKeepAlive", "true");
        Connection c = DriverManager.getConnection(url.orElseThrow(
                () -> new SQLException("no database URL configured", "08001")), props);
        try (Statement s = c.createStatement()) {
            s.execute(SessionSettings.sql(config).replace("'pgsidecar'", "'" + applicationName + "'")
                    + "; SET tcp_keepalives_idle = 5; SET tcp_keepalives_interval = 2;"
                    + " SET tcp_keepalives_count = 3");
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }
}
