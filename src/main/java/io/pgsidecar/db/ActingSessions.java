package io.pgsidecar.db;

import io.pgsidecar.config.DatabaseUrl;
import io.pgsidecar.config.SecretFiles;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The only way to a session that holds the acting rights ({@link ActingConfig}): the second login,
 * or the observing login switched to the acting role, or, with neither configured, the observing
 * login itself. Sessions come from {@link DirectConnections}, so they carry the same limits and
 * keepalives; the caller names them and closes them.
 */
@ApplicationScoped
public class ActingSessions {

    /** How the acting rights are reached. */
    public enum Form {
        /** A login of their own ({@code PGSIDECAR_ACTING_DATABASE_URL}). */
        SECOND_LOGIN,
        /** The observing login switched with {@code SET ROLE} on the acting sessions. */
        SET_ROLE,
        /** Nothing configured: the observing login acts itself. */
        OBSERVING_LOGIN
    }

    private final DirectConnections connections;
    private final Optional<String> role;
    private final Form form;
    private final Optional<String> url;
    private final Optional<String> user;
    private final Optional<String> password;

    public ActingSessions(ActingConfig config, DirectConnections connections) {
        this.connections = connections;
        this.role = config.role().map(String::trim).filter(r -> !r.isEmpty());
        Optional<DatabaseUrl> parsed = config.databaseUrl().map(String::trim).filter(u -> !u.isEmpty())
                .map(DatabaseUrl::parse);
        this.url = parsed.map(DatabaseUrl::jdbcUrl);
        this.user = parsed.flatMap(DatabaseUrl::user);
        Optional<String> fromFile = config.passwordFile().map(String::trim).filter(f -> !f.isEmpty()).map(f -> {
            try {
                return SecretFiles.read(f);
            } catch (IOException e) {
                throw new UncheckedIOException("pgsidecar.acting.password-file cannot be read", e);
            }
        });
        this.password = fromFile.or(() -> parsed.flatMap(DatabaseUrl::password));
        this.form = parsed.isPresent() ? Form.SECOND_LOGIN : role.isPresent() ? Form.SET_ROLE : Form.OBSERVING_LOGIN;
    }

    /** Opens a session that acts, named {@code applicationName}, whose reads give up after {@code socketTimeout}. */
    public Connection open(String applicationName, Duration socketTimeout) throws SQLException {
        Connection c = form == Form.SECOND_LOGIN
                ? connections.open(url, user, password, applicationName, socketTimeout)
                : connections.open(applicationName, socketTimeout);
        if (role.isPresent()) {
            try (Statement s = c.createStatement()) {
                s.execute(ActingQueries.SET_ROLE.formatted(Identifiers.quote(role.get())));
            } catch (SQLException e) {
                c.close();
                if ("42501".equals(e.getSQLState())) {
                    String login = form == Form.SECOND_LOGIN ? user.orElse("the acting login")
                            : connections.user().orElse("the observing login");
                    throw new NoPermissionException("acting as " + role.get(), List.of(new Rights.Lack(null, login,
                            "membership in " + role.get() + " (pgsidecar.acting.role)", "GRANT "
                            + Identifiers.display(role.get()) + " TO " + Identifiers.display(login))));
                }
                throw e;
            }
        }
        return c;
    }

    /**
     * Opens a dedicated acting session ({@link ActingSession}) named {@code applicationName}, with
     * these timeouts; its reads wait for at most {@code longestStatement} (the longest
     * {@code statement_timeout} the caller will set on it) plus a margin.
     */
    public ActingSession session(String applicationName, Duration statementTimeout, Duration lockTimeout,
                                 Duration longestStatement) throws SQLException {
        return ActingSession.start(open(applicationName, longestStatement.plus(ActingSession.SOCKET_MARGIN)),
                statementTimeout, lockTimeout);
    }

    /** The same, for a session whose statements all have {@code statementTimeout}. */
    public ActingSession session(String applicationName, Duration statementTimeout, Duration lockTimeout)
            throws SQLException {
        return session(applicationName, statementTimeout, lockTimeout, statementTimeout);
    }

    /**
     * A session of the login the acting sessions log in with, not switched to the acting role: what
     * cancels one of them (PostgreSQL lets a login signal its own sessions, whatever role they set).
     */
    public Connection openForSignal(String applicationName, Duration socketTimeout) throws SQLException {
        return form == Form.SECOND_LOGIN
                ? connections.open(url, user, password, applicationName, socketTimeout)
                : connections.open(applicationName, socketTimeout);
    }

    /** The login that switches to the acting role ({@code SET ROLE}), when one is configured. */
    Optional<String> switchingLogin() {
        if (role.isEmpty()) {
            return Optional.empty();
        }
        return form == Form.SECOND_LOGIN ? user : connections.user();
    }

    /** Whether an acting role is configured (the acting sessions SET ROLE to it). */
    boolean switchesRole() {
        return role.isPresent();
    }

    public Form form() {
        return form;
    }

    /**
     * The role whose rights the acting sessions have, for checking them from any session
     * ({@code has_table_privilege(role, ...)}): the acting role, else the acting login, else the
     * observing login; empty when that login's name is not configured (the driver's default).
     */
    public Optional<String> role() {
        return role.or(() -> form == Form.SECOND_LOGIN ? user : connections.user());
    }

    /** The roles that hold the acting rights apart from the observing login: what planning must not reach. */
    public List<String> separateRoles() {
        List<String> out = new ArrayList<>();
        role.ifPresent(out::add);
        if (form == Form.SECOND_LOGIN) {
            user.ifPresent(out::add);
        }
        return out;
    }
}
