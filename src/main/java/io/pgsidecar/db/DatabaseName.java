package io.pgsidecar.db;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The monitored database's name as shown in metrics and reports. */
@ApplicationScoped
public class DatabaseName {

    private final String value;

    public DatabaseName(DbConfig config,
                        @ConfigProperty(name = "quarkus.datasource.jdbc.url") Optional<String> url) {
        this.value = config.name().filter(s -> !s.isBlank()).orElseGet(() -> fromJdbcUrl(url.orElse("")));
    }

    public String value() {
        return value;
    }

    /** {@code jdbc:postgresql://host:5432/app?x=y} gives {@code app}. */
    static String fromJdbcUrl(String url) {
        String rest = url.replaceFirst("^jdbc:postgresql://", "");
        int slash = rest.indexOf('/');
        if (slash < 0) {
            return "unknown";
        }
        String db = rest.substring(slash + 1);
        int q = db.indexOf('?');
        db = q >= 0 ? db.substring(0, q) : db;
        return db.isEmpty() ? "unknown" : java.net.URLDecoder.decode(db, java.nio.charset.StandardCharsets.UTF_8);
    }
}
