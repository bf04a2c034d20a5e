package io.pgsidecar.devdb;

import io.pgsidecar.admin.AdminToken;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * With the embedded database (dev mode, or {@code -Pembedded}): prints what to try, and runs a
 * small synthetic workload against it so there is something to look at. Inert otherwise: it never
 * touches a database the user configured.
 */
@Startup
@ApplicationScoped
public class DevMode {

    private static final Logger LOG = Logger.getLogger(DevMode.class);

    private final AdminToken token;
    private final boolean embedded;
    private final String jdbcUrl;
    private final String replicaUrl;
    private final int httpPort;
    private Connection workload;

    public DevMode(AdminToken token,
                   @ConfigProperty(name = "pgsidecar.dev.embedded", defaultValue = "false") boolean embedded,
                   @ConfigProperty(name = "quarkus.datasource.jdbc.url") Optional<String> jdbcUrl,
                   @ConfigProperty(name = "pgsidecar.dev.replica-url") Optional<String> replicaUrl,
                   @ConfigProperty(name = "quarkus.http.port", defaultValue = "9188") int httpPort) {
        this.token = token;
        this.embedded = embedded;
        this.jdbcUrl = jdbcUrl.orElse("");
        this.replicaUrl = replicaUrl.orElse("");
        this.httpPort = httpPort;
    }

    void banner(@Observes StartupEvent ev) {
        if (!embedded && token.generated().isEmpty()) {
            return;
        }
        LOG.info(banner(embedded, jdbcUrl, replicaUrl, httpPort, token.generated()));
    }

    /**
     * What the embedded run prints once it is up: the databases, the admin token, and what to try
     * with it: the probes and metrics with curl, the status page in a browser, the admin API with
     * curl, and the same with the CLI (the packaged agent's jar, as the README runs it; the CLI
     * reads the token from {@code PGSIDECAR_ADMIN_TOKEN}).
     */
    static String banner(boolean embedded, String jdbcUrl, String replicaUrl, int httpPort, Optional<String> generated) {
        String base = "http://localhost:" + httpPort;
        String tok = generated.orElse("<your pgsidecar.admin.token>");
        StringBuilder b = new StringBuilder("\n\n  pgsidecar with an embedded database\n");
        b.append(embedded ? "  embedded primary:  " + jdbcUrl + " (user postgres, password postgres)\n"
                : "  database:          " + jdbcUrl + "\n");
        if (embedded && !replicaUrl.isBlank()) {
            b.append("  embedded replica:  ").append(replicaUrl).append('\n');
        }
        b.append("  admin token:       ").append(tok).append('\n')
                .append("  status page:       ").append(base).append("/ (log in with the admin token)\n")
                .append("  try:\n")
                .append("    curl ").append(base).append("/q/health/ready\n")
                .append("    curl ").append(base).append("/q/metrics | grep pgsidecar_\n")
                .append("    curl -H 'Authorization: Bearer ").append(tok).append("' ").append(base)
                .append("/api/v1/admin/database/health\n")
                .append("    PGSIDECAR_ADMIN_TOKEN='").append(tok).append("' java -jar target/quarkus-app/quarkus-run.jar --url ")
                .append(base).append(" health\n");
        if (embedded) {
            b.append("  a synthetic workload runs against the embedded primary every 2 s\n");
        }
        return b.toString();
    }

    @Scheduled(every = "2s", delayed = "3s", identity = "dev-workload",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void workload() {
        if (!embedded) {
            return;
        }
        try {
            if (workload == null || workload.isClosed()) {
                Properties p = new Properties();
                p.setProperty("user", LocalPostgres.USER);
                p.setProperty("password", LocalPostgres.PASSWORD);
                p.setProperty("ApplicationName", "dev-workload");
                workload = DriverManager.getConnection(jdbcUrl, p);
                try (Statement s = workload.createStatement()) {
                    s.execute("CREATE TABLE IF NOT EXISTS public.demo_orders (id bigserial PRIMARY KEY, "
                            + "customer_id bigint NOT NULL, total numeric NOT NULL, created_at timestamptz DEFAULT now())");
                }
            }
            ThreadLocalRandom r = ThreadLocalRandom.current();
            try (PreparedStatement ins = workload.prepareStatement(
                    "INSERT INTO public.demo_orders (customer_id, total) VALUES (?, ?)")) {
                for (int i = 0; i < 20; i++) {
                    ins.setLong(1, r.nextLong(1, 500));
                    ins.setBigDecimal(2, BigDecimal.valueOf(r.nextInt(1, 10_000), 2));
                    ins.addBatch();
                }
                ins.executeBatch();
            }
            // an N+1 loop: one lookup per order instead of one query
            try (PreparedStatement one = workload.prepareStatement("SELECT * FROM public.demo_orders WHERE id = ?")) {
                for (int i = 0; i < 30; i++) {
                    one.setLong(1, r.nextLong(1, 1000));
                    one.executeQuery().close();
                }
            }
            try (Statement s = workload.createStatement()) {
                s.executeQuery("SELECT customer_id, sum(total) FROM public.demo_orders GROUP BY customer_id "
                        + "ORDER BY 2 DESC LIMIT 10").close();
                if (r.nextInt(10) == 0) {
                    s.executeQuery("SELECT pg_sleep(0.3)").close();
                }
            }
        } catch (SQLException e) {
            LOG.debugf("dev workload: %s", e.getMessage());
            workload = null;
        }
    }
}
