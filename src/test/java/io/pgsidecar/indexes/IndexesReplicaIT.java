package io.pgsidecar.indexes;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgsidecar.OneReplicaSuiteIT;
import io.pgsidecar.testing.PgCluster;
import io.pgsidecar.testing.PgTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Unused means unused everywhere: an index scanned only on a replica is not unused. */
@Tag("by-version")
@QuarkusTest
@TestProfile(OneReplicaSuiteIT.Profile.class)
@WithTestResource(value = PgTestResource.class, initArgs = {
        @ResourceArg(name = "own", value = "true"), @ResourceArg(name = "replicas", value = "1"),
        @ResourceArg(name = "replicaJson", value = OneReplicaSuiteIT.REPLICAS),
        @ResourceArg(name = "sql", value = OneReplicaSuiteIT.SQL)})
class IndexesReplicaIT {

    @Test
    void anIndexScannedOnlyOnTheReplicaIsNotUnusedAndKeysNeverAre() throws Exception {
        PgCluster replica = PgTestResource.replicas().get(0);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            try (Connection c = replica.connect("app"); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_class WHERE relname = 'lookups_ref'")) {
                rs.next();
                return rs.getInt(1) == 1;
            }
        });
        try (Connection c = replica.connect("app", "reports"); Statement s = c.createStatement()) {
            s.execute("SET enable_seqscan = off; SET enable_bitmapscan = off");
            for (int i = 0; i < 5; i++) {
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM lookups WHERE code = " + i)) {
                    rs.next();
                }
            }
        }
        Thread.sleep(1500); // the standby publishes its counters about a second late
        JsonPath a = given().auth().oauth2("test-token").get("/api/v1/admin/database/indexes/analysis?refresh=true")
                .then().statusCode(200).extract().jsonPath();
        assertThat(a.getList("data.replicas_asked", String.class)).containsExactly("r1");
        assertThat(a.getList("data.replicas_unreachable", String.class)).isEmpty();
        List<String> unused = a.getList("data.unused_indexes.index", String.class);
        assertThat(unused).as(a.prettify()).contains("public.lookups_tag")
                .doesNotContain("public.lookups_code", "public.lookups_pkey", "public.lookups_ref");
        List<Map<String, Object>> usage = a.getList("data.usage_stats.largest");
        assertThat(usage).anySatisfy(u -> {
            assertThat(u.get("index")).isEqualTo("public.lookups_code");
            assertThat(u.get("scans")).isEqualTo(0);
            @SuppressWarnings("unchecked")
            Map<String, Object> onReplicas = (Map<String, Object>) u.get("scans_on_replicas");
            assertThat(((Number) onReplicas.get("r1")).longValue()).isPositive();
        });
    }
}
