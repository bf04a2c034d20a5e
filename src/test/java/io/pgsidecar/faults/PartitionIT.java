package io.pgsidecar.faults;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgsidecar.leader.LeaderService;
import io.pgsidecar.testing.NetworkPartition;
import io.pgsidecar.testing.PgCluster;
import io.pgsidecar.testing.PgTestResource;
import io.pgsidecar.testing.UnhandledErrors;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The primary and its replica behind a real partition: the agent in this network namespace, the
 * servers in another, joined by a veth pair whose far end is taken down, so packets vanish without
 * a reset. Requests stay bounded and cheap, the leader steps down before the server can have
 * released its lock, and after the link is back the agent holds no more sessions than its cap.
 */
@QuarkusTest
@TestProfile(PartitionIT.Profile.class)
@QuarkusTestResource(value = PgTestResource.class, restrictToAnnotatedClass = true, initArgs = {
        @ResourceArg(name = "own", value = "true"), @ResourceArg(name = "netns", value = "true"),
        @ResourceArg(name = "replicas", value = "1"),
        @ResourceArg(name = "replicaJson", value = "[{\"name\":\"r1\",\"url\":\"postgresql://postgres:postgres@{host}:{p1}/app\"}]")})
class PartitionIT {

    static final String BASE = "/api/v1/admin/database";
    static final Duration LEASE = Duration.ofSeconds(6);
    static final Duration ACQUISITION = Duration.ofSeconds(3);
    static final Duration MARGIN = Duration.ofMillis(1500);
    static final int POOL = 3;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pgsidecar.leader.lease", "6s", "DB_POOL_TIMEOUT", "3", "DB_POOL_SIZE", "3",
                    "pgsidecar.db.statement-timeout", "3s", "pgsidecar.audit.intent-timeout", "2s",
                    "pgsidecar.statements.interval", "1h", "pgsidecar.connections.interval", "1h",
                    "pgsidecar.replicas.interval", "2s", "REPLICA_POOL_TIMEOUT", "2");
        }
    }

    @Inject
    LeaderService leader;

    @Test
    void aPartitionedPrimaryCostsBoundedTimeNoCpuAndOneLeaderAtMost() throws Exception {
        Assumptions.assumeTrue(NetworkPartition.available(), "needs root and iproute2 (CI runs as root)");
        NetworkPartition net = PgTestResource.partition();
        PgCluster primary = PgTestResource.ownCluster();
        UnhandledErrors unhandled = UnhandledErrors.watch();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> leader.isLeader()
                    && given().auth().oauth2("test-token").get(BASE + "/health").statusCode() == 200);
            await().atMost(Duration.ofSeconds(30)).until(() -> Boolean.TRUE.equals(given().auth().oauth2("test-token")
                    .get(BASE + "/replicas/status").jsonPath().get("data.replicas[0].healthy")));

            net.cut();
            Instant cut = Instant.now();
            CompletableFuture<Duration> steppedDown = CompletableFuture.supplyAsync(() -> {
                while (leader.isLeader() && Duration.between(cut, Instant.now()).getSeconds() < 30) {
                    pause(50);
                }
                return Duration.between(cut, Instant.now());
            });
            CompletableFuture<Duration> released = CompletableFuture.supplyAsync(() -> {
                while (Duration.between(cut, Instant.now()).getSeconds() < 30) {
                    if (leaderSessionsOnServer(net, primary) == 0) {
                        return Duration.between(cut, Instant.now());
                    }
                    pause(250);
                }
                return Duration.ofSeconds(30);
            });

            List<String> slow = new ArrayList<>();
            ExecutorService callers = Executors.newFixedThreadPool(4);
            AtomicLong slowest = new AtomicLong();
            long cpuStart = 0;
            Instant cpuFrom = null;
            try {
                while (Duration.between(cut, Instant.now()).getSeconds() < 16) {
                    if (cpuFrom == null && Duration.between(cut, Instant.now()).getSeconds() >= 4) {
                        cpuFrom = Instant.now();
                        cpuStart = processCpuNanos();
                    }
                    // a dashboard's round: its four panels ask at once, so every round waits out one
                    // acquisition timeout, not four in a row
                    List<CompletableFuture<String>> round = new ArrayList<>();
                    for (String[] call : List.of(new String[] {"GET", "/health"}, new String[] {"GET", "/alerts"},
                            new String[] {"GET", "/audit"}, new String[] {"POST", "/replicas/r1/health"})) {
                        round.add(CompletableFuture.supplyAsync(() -> slowOrWrong(call[0], call[1], slowest), callers));
                    }
                    for (CompletableFuture<String> c : round) {
                        String wrong = c.get(30, TimeUnit.SECONDS);
                        if (wrong != null) {
                            slow.add(wrong);
                        }
                    }
                    pause(300);
                }
            } finally {
                callers.shutdownNow();
            }
            double cores = (processCpuNanos() - cpuStart) / (double) Duration.between(cpuFrom, Instant.now()).toNanos();
            Duration down = steppedDown.get();
            Duration gone = released.get();
            System.out.printf("partition: leader stepped down after %d ms, server released its session after %d ms, "
                    + "agent CPU %.3f cores, slowest request %d ms%n", down.toMillis(), gone.toMillis(), cores, slowest.get());

            assertThat(slow).as("requests during the partition: 503 within the acquisition timeout").isEmpty();
            assertThat(down).as("the leader steps down within the lease").isLessThanOrEqualTo(LEASE);
            assertThat(down).as("... and before the server lets another agent take the lock").isLessThanOrEqualTo(gone);
            assertThat(cores).as("a dead network costs no CPU").isLessThan(0.3);

            net.heal();
            Instant healed = Instant.now();
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    given().auth().oauth2("test-token").get(BASE + "/health").statusCode() == 200);
            int most = 0;
            String seen = "";
            while (Duration.between(healed, Instant.now()).getSeconds() < 20) {
                int now = agentSessions(primary);
                if (now > most) {
                    most = now;
                    seen = sessionNames(primary);
                }
                pause(500);
            }
            assertThat(most).as("agent sessions after the link came back (pool + leader + migration): " + seen)
                    .isLessThanOrEqualTo(POOL + 2);
            assertThat(unhandled.seen()).as("exceptions nobody handled").isEmpty();
        } finally {
            net.heal();
            unhandled.close();
        }
    }

    /** One request during the partition: null when it was a 503 within the bound, else what it was. */
    static String slowOrWrong(String method, String path, AtomicLong slowest) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + RestAssured.port + BASE + path))
                .timeout(Duration.ofSeconds(20)).header("Authorization", "Bearer test-token")
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        Instant start = Instant.now();
        HttpResponse<String> r;
        try {
            r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            return method + " " + path + " -> " + e;
        }
        Duration took = Duration.between(start, Instant.now());
        slowest.accumulateAndGet(took.toMillis(), Math::max);
        if (took.compareTo(ACQUISITION.plus(MARGIN)) > 0 || r.statusCode() != 503) {
            return method + " " + path + " -> " + r.statusCode() + " in " + took.toMillis() + " ms: " + r.body();
        }
        return null;
    }

    /** Sessions of the leader lock, as the server sees them: asked from inside the partition. */
    static int leaderSessionsOnServer(NetworkPartition net, PgCluster primary) {
        String out = net.inside("env", "PGPASSWORD=" + PgCluster.PASSWORD, "psql", "-At", "-h", primary.host(),
                "-p", Integer.toString(primary.port()), "-U", PgCluster.USER, "-d", "app", "-c",
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pgsidecar-leader'").trim();
        try {
            return Integer.parseInt(out);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static int agentSessions(PgCluster primary) throws Exception {
        try (Connection c = primary.connect("app"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'pgsidecar%'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** The agent's sessions by application name, state and age: what the message shows when there are too many. */
    static String sessionNames(PgCluster primary) throws Exception {
        try (Connection c = primary.connect("app"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT string_agg(application_name || ' ' || state || ' '"
                     + " || round(extract(epoch FROM now() - backend_start)) || 's', ', ') FROM pg_stat_activity"
                     + " WHERE application_name LIKE 'pgsidecar%'")) {
            rs.next();
            return rs.getString(1);
        }
    }

    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
