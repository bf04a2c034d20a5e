package io.pgsidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgsidecar.testing.AgentProcess;
import io.pgsidecar.testing.PgCluster;
import io.pgsidecar.testing.PgFixture;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The packaged agent started without a working login: a server that is not there, a wrong
 * password, a password with every kind of character. It stays alive, says why everywhere, and
 * never shows the password.
 */
class AgentCredentialsPackagedIT {

    @Test
    void databaseDownAtStartUpMeansNotReadyButAlive() {
        try (AgentProcess a = AgentProcess.start("no-db", Map.of(
                "DATABASE_URL", "postgresql://app:pw@127.0.0.1:1/app"))) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                    .until(() -> a.status("/q/health/live") == 200 || !a.process().isAlive());
            assertThat(a.process().isAlive()).as(a.output()).isTrue();
            assertThat(a.status("/q/health/ready")).isEqualTo(503);
            assertThat(a.status("/q/health/live")).isEqualTo(200);
            HttpResponse<String> health = a.get("/api/v1/admin/database/health", true);
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(health.body()).contains("database_unavailable").doesNotContain("pw@");
        }
    }

    /** A wrong password is named as such by readiness, the API and the start-up log, every time. */
    @Test
    void aWrongPasswordIsNamedEverywhereAndTheAgentStaysAlive() {
        PgCluster pg = PgFixture.shared();
        String db = PgFixture.freshDatabase("wrong_password");
        String url = "postgresql://" + PgCluster.USER + ":not-the-password@" + pg.host() + ":" + pg.port() + "/" + db;
        try (AgentProcess a = AgentProcess.start("wrong-pw", Map.of("DATABASE_URL", url))) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                    .until(() -> a.status("/q/health/live") == 200 || !a.process().isAlive());
            assertThat(a.process().isAlive()).as(a.output()).isTrue();
            for (int i = 0; i < 7; i++) {
                HttpResponse<String> ready = a.get("/q/health/ready", false);
                assertThat(ready.statusCode()).isEqualTo(503);
                assertThat(ready.body()).contains("authentication failed for user " + PgCluster.USER);
            }
            HttpResponse<String> health = a.get("/api/v1/admin/database/health", true);
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(health.body()).contains("database_unavailable")
                    .contains("authentication failed for user " + PgCluster.USER);
            await().atMost(Duration.ofSeconds(20)).until(() -> a.output().contains("schema migration not done yet"));
            assertThat(a.output()).contains("authentication failed for user " + PgCluster.USER)
                    .doesNotContain("not-the-password");
        }
    }

    /**
     * A password holding what URLs and logs mangle: percent-encoded, it logs in; one character wrong,
     * and not encoded at all, it appears in no log line and no answer, in any form.
     */
    @Test
    void aPasswordWithAnyCharactersLogsInAndIsNeverShown() throws Exception {
        PgCluster pg = PgFixture.shared();
        String db = PgFixture.freshDatabase("odd_password");
        String password = "p@ss/w:rd#%?&= 'q\"é€x";
        try (java.sql.Connection c = pg.connect(db); java.sql.Statement st = c.createStatement()) {
            st.execute("CREATE ROLE odd_login LOGIN IN ROLE pg_monitor PASSWORD '" + password.replace("'", "''") + "'");
            st.execute("GRANT CREATE ON DATABASE " + db + " TO odd_login");
        }
        try {
            startWithOddPasswords(pg, db, password);
        } finally {
            try (java.sql.Connection c = pg.connect(db); java.sql.Statement st = c.createStatement()) {
                st.execute("DROP OWNED BY odd_login");
                st.execute("DROP ROLE odd_login");
            }
        }
    }

    private static void startWithOddPasswords(PgCluster pg, String db, String password) {
        java.util.function.Function<String, String> url = pw -> "postgresql://odd_login:"
                + java.net.URLEncoder.encode(pw, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20")
                + "@" + pg.host() + ":" + pg.port() + "/" + db;
        List<String> shown = List.of(password, "p@ss", "w:rd", "rd#", "é€x",
                java.net.URLEncoder.encode(password, java.nio.charset.StandardCharsets.UTF_8).substring(0, 10));
        try (AgentProcess a = AgentProcess.start("odd-pw", Map.of("DATABASE_URL", url.apply(password)))) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                    .until(() -> a.status("/q/health/ready") == 200 || !a.process().isAlive());
            assertThat(a.status("/q/health/ready")).as(a.output()).isEqualTo(200);
            HttpResponse<String> health = a.get("/api/v1/admin/database/health", true);
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(a.output() + health.body()).doesNotContain(shown);
        }
        String wrong = password.replace("x", "y");
        try (AgentProcess a = AgentProcess.start("odd-pw-wrong", Map.of("DATABASE_URL", url.apply(wrong)))) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                    .until(() -> (a.output().contains("authentication failed") && a.status("/q/health/live") == 200)
                            || !a.process().isAlive());
            assertThat(a.process().isAlive()).as(a.output()).isTrue();
            HttpResponse<String> ready = a.get("/q/health/ready", false);
            HttpResponse<String> health = a.get("/api/v1/admin/database/health", true);
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(health.body()).contains("authentication failed for user odd_login");
            assertThat(a.output() + ready.body() + health.body()).doesNotContain(shown);
        }
        // not encoded: not a URL PostgreSQL's drivers read alike, refused at start naming the key
        String raw = "postgresql://odd_login:" + password + "@" + pg.host() + ":" + pg.port() + "/" + db;
        try (AgentProcess a = AgentProcess.start("odd-pw-raw", Map.of("DATABASE_URL", raw))) {
            int exit = a.awaitExit(Duration.ofSeconds(60));
            assertThat(exit).as(a.output()).isNotZero();
            assertThat(a.output()).contains("DATABASE_URL").doesNotContain(shown);
        }
    }
}
