package io.pgsidecar.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.Map;

/**
 * Points the agent under test at a fresh database in the fixture's shared primary. With the init
 * argument {@code own=true} it gets a primary of its own instead (for tests that stop the server),
 * exposed to the test through {@link #ownCluster()}, with {@code settings} (semicolon-separated
 * postgresql.conf lines) applied. {@code agentRole=true} makes the agent connect as the ordinary
 * role {@link #AGENT_ROLE} (password authenticated, not a superuser) instead of {@code postgres};
 * {@code netns=true} (own cluster only) runs the primary and its replicas inside a network
 * namespace the test can cut ({@link #partition()}); {@code sql} runs in the database before the
 * agent starts (the application's tables a test's configuration names), and so does the script
 * {@code sqlResource} (a class-path resource, such as a dump); {@code login} and
 * {@code password} make the agent log in as a role that {@code sql} created.
 */
public class PgTestResource implements QuarkusTestResourceLifecycleManager {

    /** The role the agent uses with {@code agentRole=true}: LOGIN, pg_monitor, CREATE on its database. */
    public static final String AGENT_ROLE = "agent";
    public static final String AGENT_PASSWORD = "agent-secret";

    private static volatile PgCluster own;
    /** The server of the running resource, its own or the fork's shared one. */
    private static volatile PgCluster current;
    private static volatile NetworkPartition partition;
    private static final java.util.List<PgCluster> REPLICAS = new java.util.concurrent.CopyOnWriteArrayList<>();
    private int replicas;
    private String replicaJson = "";
    private boolean useOwn;
    private boolean agentRole;
    private String sql = "";
    private String sqlResource = "";
    private String login = "";
    private String loginPassword = "";
    private boolean netns;
    private java.util.List<String> settings = java.util.List.of();
    /** With {@code own}: the server's wall clock is moved by this (libfaketime syntax, {@code -5m}). */
    private String serverClock = "";
    private PgCluster cluster;

    @Override
    public void init(Map<String, String> initArgs) {
        useOwn = Boolean.parseBoolean(initArgs.getOrDefault("own", "false"));
        agentRole = Boolean.parseBoolean(initArgs.getOrDefault("agentRole", "false"));
        netns = Boolean.parseBoolean(initArgs.getOrDefault("netns", "false"));
        sql = initArgs.getOrDefault("sql", "");
        sqlResource = initArgs.getOrDefault("sqlResource", "");
        login = initArgs.getOrDefault("login", "");
        loginPassword = initArgs.getOrDefault("password", "");
        replicas = Integer.parseInt(initArgs.getOrDefault("replicas", "0"));
        replicaJson = initArgs.getOrDefault("replicaJson", "");
        serverClock = initArgs.getOrDefault("serverClock", "");
        String extra = initArgs.getOrDefault("settings", "");
        if (!extra.isBlank()) {
            settings = java.util.List.of(extra.split(";"));
        }
    }

    @Override
    public Map<String, String> start() {
        String db;
        if (useOwn) {
            cluster = PgFixture.newPrimary(settings, serverClock.isBlank() ? Map.of()
                    : PgFixture.skewedClock(serverClock));
            own = cluster;
            db = cluster.createDatabase("app");
            if (netns) {
                partition = NetworkPartition.create();
                cluster.moveToNetworkNamespace(partition.namespace(), partition.innerAddress());
            }
            for (int i = 0; i < replicas; i++) {
                REPLICAS.add(cluster.newReplica());
            }
        } else {
            cluster = PgFixture.shared();
            db = PgFixture.freshDatabase("app");
        }
        current = cluster;
        simulateApplicationMigrations(cluster, db);
        if (!sql.isBlank()) {
            // the application's schema as the test needs it before the agent starts
            try (java.sql.Connection c = cluster.connect(db); java.sql.Statement s = c.createStatement()) {
                s.execute(sql);
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        }
        if (!sqlResource.isBlank()) {
            try (java.io.InputStream in = PgTestResource.class.getClassLoader().getResourceAsStream(sqlResource);
                 java.sql.Connection c = cluster.connect(db); java.sql.Statement s = c.createStatement()) {
                if (in == null) {
                    throw new IllegalStateException("no resource " + sqlResource);
                }
                s.execute(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            } catch (java.sql.SQLException | java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
        Map<String, String> config = new HashMap<>();
        config.put("quarkus.datasource.jdbc.url", cluster.jdbcUrl(db));
        if (!login.isBlank()) {
            config.put("quarkus.datasource.username", login);
            config.put("quarkus.datasource.password", loginPassword);
        } else if (agentRole) {
            createAgentRole(cluster, db);
            config.put("quarkus.datasource.username", AGENT_ROLE);
            config.put("quarkus.datasource.password", AGENT_PASSWORD);
        } else {
            config.put("quarkus.datasource.username", PgCluster.USER);
            config.put("quarkus.datasource.password", PgCluster.PASSWORD);
        }
        config.put("pgsidecar.test.database", db);
        config.put("pgsidecar.test.port", Integer.toString(cluster.port()));
        if (!REPLICAS.isEmpty()) {
            // READ_REPLICAS as a deployment writes it; {pN} is the port of replica N (1-based), {host}
            // the replicas' address
            String json = replicaJson;
            for (int i = 0; i < REPLICAS.size(); i++) {
                json = json.replace("{p" + (i + 1) + "}", Integer.toString(REPLICAS.get(i).port()))
                        .replace("{host}", REPLICAS.get(i).host());
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
            current = null;
            if (partition != null) {
                partition.close();
                partition = null;
            }
        }
    }

    /** An ordinary role for the agent, as a DBA would make it. */
    static void createAgentRole(PgCluster cluster, String db) {
        try (java.sql.Connection c = cluster.connect(db); java.sql.Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + AGENT_ROLE + " LOGIN PASSWORD '" + AGENT_PASSWORD + "' IN ROLE pg_monitor");
            s.execute("GRANT CREATE ON DATABASE \"" + db + "\" TO " + AGENT_ROLE);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The partition the own cluster runs behind, with {@code netns=true}. */
    public static NetworkPartition partition() {
        return partition;
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

    /**
     * The server the running application's database is on, whether the resource has a server of its
     * own or a database in the fork's shared one: for the members of a suite, which share both.
     */
    public static PgCluster cluster() {
        return current;
    }

    /** The cluster of the running test when it asked for its own. */
    public static PgCluster ownCluster() {
        return own;
    }
}
