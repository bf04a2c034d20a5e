package io.pgsidecar.config;

import jakarta.enterprise.context.ApplicationScoped;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The monitored database as shown in metrics, reports and read routing: its name (the
 * {@code database} tag) and where the primary is, both read from the JDBC URL in one place.
 */
@ApplicationScoped
public class DatabaseName {

    /** Host, port and database of a {@code jdbc:postgresql://host:port/db?...} URL. */
    record Target(String host, int port, String database) {
    }

    private final String value;
    private final Target target;

    /** @param name {@code pgsidecar.db.name} (documented with the other database keys in {@code DbConfig}) */
    public DatabaseName(@ConfigProperty(name = "pgsidecar.db.name") Optional<String> name,
                        @ConfigProperty(name = "quarkus.datasource.jdbc.url") Optional<String> url) {
        this.target = parse(url.orElse(""));
        this.value = name.filter(s -> !s.isBlank()).orElse(target.database());
    }

    public String value() {
        return value;
    }

    /** The primary's host as written in the URL (IPv6 in brackets). */
    public String host() {
        return target.host();
    }

    public int port() {
        return target.port();
    }

    /** The database named in the URL (what the agent connects to, whatever the metrics label says). */
    public String urlDatabase() {
        return target.database();
    }

    /** {@code jdbc:postgresql://host:5432/app?x=y} gives {@code app}. */
    static String fromJdbcUrl(String url) {
        return parse(url).database();
    }

    static Target parse(String url) {
        String rest = url.replaceFirst("^jdbc:postgresql://", "");
        int slash = rest.indexOf('/');
        String hostPort = slash < 0 ? rest : rest.substring(0, slash);
        int colon = hostPort.lastIndexOf(':');
        boolean hasPort = colon > 0 && !hostPort.endsWith("]");
        String host = hasPort ? hostPort.substring(0, colon) : hostPort;
        int port = hasPort ? Integer.parseInt(hostPort.substring(colon + 1)) : 5432;
        if (slash < 0) {
            return new Target(host, port, "unknown");
        }
        String db = rest.substring(slash + 1);
        int q = db.indexOf('?');
        db = q >= 0 ? db.substring(0, q) : db;
        return new Target(host, port, db.isEmpty() ? "unknown" : URLDecoder.decode(db, StandardCharsets.UTF_8));
    }
}
