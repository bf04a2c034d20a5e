package io.pgsidecar.devdb;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.common.MapBackedConfigSource;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.HashMap;
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
    static final String REPLICA_NAME = "embedded-replica";

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
        return List.of(new MapBackedConfigSource("pgsidecar embedded dev database", properties(primary, replica), 200) {
        });
    }

    /**
     * The agent's settings for the embedded servers: the primary as its database and, when it
     * started, the streaming replica as a read replica, so the replica endpoints have something to
     * show. An explicit READ_REPLICAS still wins (it is read at a higher ordinal).
     */
    static Map<String, String> properties(String primaryPort, String replicaPort) {
        Map<String, String> p = new HashMap<>();
        p.put("quarkus.datasource.jdbc.url", "jdbc:postgresql://127.0.0.1:" + primaryPort + "/" + DATABASE);
        p.put("quarkus.datasource.username", LocalPostgres.USER);
        p.put("quarkus.datasource.password", LocalPostgres.PASSWORD);
        p.put("pgsidecar.dev.embedded", "true");
        if (!replicaPort.isEmpty()) {
            String url = "postgresql://" + LocalPostgres.USER + ":" + LocalPostgres.PASSWORD + "@127.0.0.1:"
                    + replicaPort + "/" + DATABASE;
            p.put("pgsidecar.dev.replica-url", url);
            p.put("pgsidecar.replicas.list[0].name", REPLICA_NAME);
            p.put("pgsidecar.replicas.list[0].url", url);
        }
        return p;
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
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the dev database", e);
        }
        try (var c = primary.connect(DATABASE); var s = c.createStatement()) {
            s.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        } catch (SQLException e) {
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
