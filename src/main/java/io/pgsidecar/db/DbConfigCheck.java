package io.pgsidecar.db;

import io.pgsidecar.config.ConfigCheck;
import io.pgsidecar.config.ConfigProblems;
import io.pgsidecar.config.DatabaseUrl;
import jakarta.inject.Singleton;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The database connection, the agent's schema, its session limits and its pool. */
@Singleton
public class DbConfigCheck implements ConfigCheck {

    private final DbConfig db;
    private final Optional<String> jdbcUrl;

    public DbConfigCheck(DbConfig db, @ConfigProperty(name = "quarkus.datasource.jdbc.url") Optional<String> jdbcUrl) {
        this.db = db;
        this.jdbcUrl = jdbcUrl;
    }

    @Override
    public void check(ConfigProblems problems) {
        boolean urlProblem = problems.mentions("DATABASE_URL=");
        if ((jdbcUrl.isEmpty() || jdbcUrl.get().isBlank()) && !urlProblem) {
            problems.add("no database configured: set DATABASE_URL (postgresql://user:password@host:5432/db) "
                    + "or quarkus.datasource.jdbc.url");
        } else if (jdbcUrl.isPresent() && !jdbcUrl.get().startsWith("jdbc:postgresql:")) {
            problems.add("quarkus.datasource.jdbc.url='" + DatabaseUrl.redact(jdbcUrl.get())
                    + "': expected jdbc:postgresql://host:port/db");
        }
        // the migrations name the schema through Flyway's ${flyway:defaultSchema}, which is not quoted
        if (!Identifiers.isSimple(db.schema()) || !Identifiers.display(db.schema()).equals(db.schema())) {
            problems.add("pgsidecar.db.schema='" + db.schema()
                    + "': expected a lower-case identifier (letters, digits, _; at most 63 characters; not a reserved word)");
        }
        DbConfig.Pool pool = db.pool();
        if (pool.maxSize() < 1) {
            problems.add("pgsidecar.db.pool.max-size (DB_POOL_SIZE)='" + pool.maxSize() + "': expected at least 1");
        }
        if (pool.minSize() < 0 || pool.minSize() > pool.maxSize()) {
            problems.add("pgsidecar.db.pool.min-size='" + pool.minSize() + "': expected 0 to max-size ("
                    + pool.maxSize() + ")");
        }
        problems.positive("pgsidecar.db.pool.acquisition-timeout (DB_POOL_TIMEOUT)", pool.acquisitionTimeout());
        problems.positive("pgsidecar.db.pool.max-lifetime (DB_POOL_RECYCLE)", pool.maxLifetime());
        problems.positive("pgsidecar.db.pool.idle-removal", pool.idleRemoval());
        problems.positive("pgsidecar.db.statement-timeout", db.statementTimeout());
        problems.positive("pgsidecar.db.lock-timeout", db.lockTimeout());
        problems.notNegative("pgsidecar.db.idle-in-transaction-session-timeout", db.idleInTransactionSessionTimeout());
        problems.positive("pgsidecar.db.migration-retry", db.migrationRetry());
    }
}
