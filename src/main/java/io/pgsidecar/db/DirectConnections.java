package io.pgsidecar.db;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Connections opened outside the pool, for the few jobs that must hold one session for a long
 * time (the leader's advisory lock, the migration lock). They carry the same session limits and
 * keepalives as the pool's, their own {@code application_name} so a DBA can tell them apart, and a
 * socket timeout chosen by the caller, so a read never waits on a dead network longer than the
 * job can afford.
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

    /** The observing login's user name, if configured. */
    public Optional<String> user() {
        return user;
    }

    /**
     * Opens a new session named {@code applicationName} whose reads give up after
     * {@code socketTimeout} (whole seconds, at least one).
     */
    public Connection open(String applicationName, Duration socketTimeout) throws SQLException {
        return open(url, user, password, applicationName, socketTimeout);
    }

    /**
     * A session that never keeps a server-side prepared statement of the driver's (no
     * {@code S_n} names to take over): for sessions where code the agent does not control runs
     * (the planner's).
     */
    public Connection openUnprepared(String applicationName, Duration socketTimeout) throws SQLException {
        return open(url, user, password, applicationName, socketTimeout, true);
    }

    /** The same, as another login of the same database (the acting login: {@link ActingSessions}). */
    Connection open(Optional<String> url, Optional<String> user, Optional<String> password, String applicationName,
                    Duration socketTimeout) throws SQLException {
        return open(url, user, password, applicationName, socketTimeout, false);
    }

    private Connection open(Optional<String> url, Optional<String> user, Optional<String> password,
                            String applicationName, Duration socketTimeout, boolean unprepared) throws SQLException {
        Properties props = new Properties();
        if (unprepared) {
            props.setProperty("prepareThreshold", "0");
        }
        user.ifPresent(u -> props.setProperty("user", u));
        password.ifPresent(p -> props.setProperty("password", p));
        props.setProperty("ApplicationName", applicationName);
        long seconds = Math.max(1, socketTimeout.toSeconds());
        props.setProperty("connectTimeout", Long.toString(Math.min(5, seconds)));
        props.setProperty("loginTimeout", Long.toString(Math.min(5, seconds)));
        props.setProperty("socketTimeout", Long.toString(seconds));
        props.setProperty("tcpKeepAlive", "true");
        props.setProperty("options", SessionSettings.STARTUP_OPTIONS);
        Connection c = DriverManager.getConnection(url.orElseThrow(
                () -> new SQLException("no database URL configured", "08001")), props);
        try (Statement s = c.createStatement()) {
            s.execute(SessionSettings.sql(config, applicationName));
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }
}
