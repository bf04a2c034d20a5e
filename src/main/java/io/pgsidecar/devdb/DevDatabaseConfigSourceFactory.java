package io.pgsidecar.devdb;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.common.MapBackedConfigSource;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * In dev mode ({@code ./mvnw quarkus:dev}) or when asked with {@code pgsidecar.embedded-database=true}
 * ({@code ./mvnw -Pembedded package quarkus:run}), and only when no database is configured: starts
 * an embedded PostgreSQL primary and a streaming replica from the zonky binaries (a
 * {@code provided} dependency, so absent from the packaged agent and the native image unless built
 * with {@code -Pembedded}), and points the agent at the primary. The servers live as long as the dev-mode JVM and survive live reloads.
 */
public final class DevDatabaseConfigSourceFactory implements ConfigSourceFactory {

    static final String PRIMARY_PORT = "pgsidecar.dev.primary-port";
    static final String REPLICA_PORT = "pgsidecar.dev.replica-port";
    static final String DATABASE = "app";

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        boolean asked = context.getProfiles().contains("dev") || isTrue(context, "pgsidecar.embedded-database");
        if (!asked || configured(context, "DATABASE_URL")
                || configured(context, "quarkus.datasource.jdbc.url")) {
            return List.of();
        }
        start();
        String primary = System.getProperty(PRIMARY_PORT);
        String replica = System.getProperty(REPLICA_PORT, "");
        return List.of(new MapBackedConfigSource("pgsidecar embedded dev database", Map.of(
                "quarkus.datasource.jdbc.url", "jdbc:postgresql://127.0.0.1:" + primary + "/" + DATABASE,
                "quarkus.datasource.username", LocalPostgres.USER,
                "quarkus.datasource.password", LocalPostgres.PASSWORD,
                "pgsidecar.dev.embedded", "true",
                "pgsidecar.dev.replica-url", replica.isEmpty() ? ""
                        : "postgresql://" + LocalPostgres.USER + ":" + LocalPostgres.PASSWORD + "@127.0.0.1:"
                        + replica + "/" + DATABASE), 200) {
        });
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(200);
    }

    private static boolean isTrue(ConfigSourceContext context, String name) {
        ConfigValue v = context.getValue(name);
        return v != null && "true".equalsIgnoreCase(v.getValue());
    }

    private static boolean configured(ConfigSourceContext context, String name) {
        ConfigValue v = context.getValue(name);
        return v != null && v.getValue() != null && !v.getValue().isBlank();
    }

    /** Starts the servers once per JVM; live reloads find them through system properties. */
    private static synchronized void start() {
        if (System.getProperty(PRIMARY_PORT) != null) {
            return;
        }
        ClassLoader loader = DevDatabaseConfigSourceFactory.class.getClassLoader();
        Path bin = LocalPostgres.zonkyBinariesFromClasspath(loader, Path.of("target", "pgsidecar-dev", "pg").toAbsolutePath())
                .or(LocalPostgres::newestSystemBinaries)
                .orElseThrow(() -> new IllegalStateException("dev mode found no PostgreSQL binaries; set DATABASE_URL"));
        LocalPostgres primary = LocalPostgres.startPrimary(bin, List.of("max_connections = 50"));
        try (var c = primary.connect("postgres"); var s = c.createStatement()) {
            s.execute("CREATE DATABASE " + DATABASE);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("cannot create the dev database", e);
        }
        try (var c = primary.connect(DATABASE); var s = c.createStatement()) {
            s.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("cannot install pg_stat_statements", e);
        }
        System.setProperty(PRIMARY_PORT, Integer.toString(primary.port()));
        Optional<LocalPostgres> replica;
        try {
            replica = Optional.of(primary.startReplica());
        } catch (RuntimeException e) {
            System.err.println("pgsidecar dev: replica not started: " + e.getMessage());
            replica = Optional.empty();
        }
        replica.ifPresent(r -> System.setProperty(REPLICA_PORT, Integer.toString(r.port())));
    }
}
