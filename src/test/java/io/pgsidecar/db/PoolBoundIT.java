package io.pgsidecar.db;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgsidecar.testing.PgFixture;
import io.pgsidecar.testing.PgTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The agent's pool never holds more connections than its max, however many admin calls arrive at
 * once: seen from the server, in pg_stat_activity.
 */
@QuarkusTest
@WithTestResource(PgTestResource.class) // shared with the classes of DefaultAppSuiteIT
class PoolBoundIT {

    @ConfigProperty(name = "pgsidecar.test.database")
    String database;

    @Test
    void fiftyConcurrentAdminCallsNeverExceedThePoolMax() throws Exception {
        AtomicBoolean sampling = new AtomicBoolean(true);
        AtomicInteger peak = new AtomicInteger();
        AtomicInteger samples = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(51);
        try (Connection observer = PgFixture.shared().connect(database)) {
            Future<?> sampler = pool.submit(() -> {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                try (Statement s = observer.createStatement()) {
                    while (sampling.get() && System.nanoTime() < deadline) {
                        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity "
                                + "WHERE application_name = 'pgsidecar' AND datname = current_database()")) {
                            rs.next();
                            peak.accumulateAndGet(rs.getInt(1), Math::max);
                            samples.incrementAndGet();
                        }
                    }
                }
                return null;
            });
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                calls.add(pool.submit(() -> {
                    start.await();
                    // the health report holds a connection for a real query each time
                    return given().auth().oauth2("test-token").when()
                            .get("/api/v1/admin/database/health").then().extract().statusCode();
                }));
            }
            start.countDown();
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> f : calls) {
                statuses.add(f.get(60, TimeUnit.SECONDS));
            }
            sampling.set(false);
            sampler.get(10, TimeUnit.SECONDS);
            assertThat(statuses).as("every call answered, none failed for want of a connection")
                    .allMatch(st -> st == 200);
            assertThat(samples.get()).isGreaterThan(5);
            assertThat(peak.get()).as("agent sessions seen at once").isBetween(1, 3);
        } finally {
            pool.shutdownNow();
        }
        given().auth().oauth2("test-token").when().get("/api/v1/admin/database/pool")
                .then().statusCode(200)
                .body("data.max_used", org.hamcrest.Matchers.lessThanOrEqualTo(3));
    }
}
