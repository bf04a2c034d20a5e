package io.pgsidecar.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.Map;

/**
 * Points the agent under test at a fresh database in the fixture's shared primary. With the init
 * argument {@code own=true} it gets a primary of its own instead (for tests that stop the server),
 * exposed to the test through {@link #ownCluster()}, with {@code settings} (semicolon-separated
 * postgresql.conf lines) applied.
 */
public class PgTestResource implements QuarkusTestResourceLifecycleManager {

    private static volatile PgCluster own;
    private static final java.util.List<PgCluster> REPLICAS = new java.util.concurrent.CopyOnWriteArrayList<>();
    private int replicas;
    private String replicaJson = "";
    private boolean useOwn;
    private java.util.List<String> settings = java.util.List.of();
    private PgCluster cluster;

    @Override
    public void init(Map<String, String> initArgs) {
        useOwn = Boolean.parseBoolean(initArgs.getOrDefault("own", "false"));
        replicas = Integer.parseInt(initArgs.getOrDefault("replicas", "0"));
        replicaJson = initArgs.getOrDefault("replicaJson", "");
        String extra = initArgs.getOrDefault("settings", "");
        if (!extra.isBlank()) {
            settings = java.util.List.of(extra.split(";"));
        }
    }

    @Override
    public Map<String, String> start() {
        String db;
        if (useOwn) {
            cluster = PgFixture.newPrimary(settings);
            own = cluster;
            db = cluster.createDatabase("app");
            for (int i = 0; i < replicas; i++) {
                REPLICAS.add(cluster.newReplica());
            }
        } else {
            cluster = PgFixture.shared();
            db = PgFixture.freshDatabase("app");
        }
        simulateApplicationMigrations(cluster, db);
        Map<String, String> config = new HashMap<>();
        config.put("quarkus.datasource.jdbc.url", cluster.jdbcUrl(db));
        config.put("quarkus.datasource.username", PgCluster.USER);
        config.put("quarkus.datasource.password", PgCluster.PASSWORD);
        config.put("pgsidecar.test.database", db);
        config.put("pgsidecar.test.port", Integer.toString(cluster.port()));
        if (!REPLICAS.isEmpty()) {
            // READ_REPLICAS as a deployment writes it; {pN} is the port of replica N (1-based)
            String json = replicaJson;
            for (int i = 0; i < REPLICAS.size(); i++) {
                json = json.replace("{p" + (i + 1) + "}", Integer.toString(REPLICAS.get(i).port()));
            }
            config.put("READ_REPLICAS", json);
        }
        return config;
    }

    @Override
    public void stop() {
        if (useOwn && cluster != null) {
            REPLICAS.forEach(PgCluster::close);
            REPLICAS.clear();
            cluster.close();
            own = null;
        }
    }

    /**
     * The application's own Flyway history in {@code public}, which the agent must never touch.
     */
    static void simulateApplicationMigrations(PgCluster cluster, String db) {
        try (java.sql.Connection c = cluster.connect(db); java.sql.Statement s = c.createStatement()) {
            s.execute("CREATE TABLE public.flyway_schema_history (installed_rank int PRIMARY KEY, version text,"
                    + " description text, success boolean)");
            s.execute("INSERT INTO public.flyway_schema_history VALUES (1, '1', 'application tables', true)");
            s.execute("CREATE TABLE public.orders (id bigserial PRIMARY KEY, customer_id bigint, total numeric)");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Replicas of the own cluster, in the order {@code {p1}}, {@code {p2}}, ... */
    public static java.util.List<PgCluster> replicas() {
        return REPLICAS;
    }

    /** The cluster of the running test when it asked for its own. */
    public static PgCluster ownCluster() {
        return own;
    }
}
