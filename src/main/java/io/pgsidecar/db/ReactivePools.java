package io.pgsidecar.db;

import io.quarkus.runtime.ShutdownEvent;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Small Vert.x reactive pools created at run time, for endpoints polled in parallel (read
 * replicas), where one slow server must not hold up the others. Each pool is bounded, and its
 * sessions carry {@code application_name} and {@code statement_timeout} from the first packet.
 * Blocking JDBC stays the way to the primary (migrations, DDL, the agent's own tables).
 */
@ApplicationScoped
public class ReactivePools {

    /**
     * What one pool connects to and how big it may get. {@link #toString()} leaves the password out.
     */
    public record Spec(String name, String host, int port, String database, String user, String password,
                       int maxSize, Duration connectTimeout, Duration statementTimeout, Duration idleTimeout,
                       Duration maxLifetime) {
        @Override
        public String toString() {
            return "Spec[" + name + " " + user + "@" + host + ":" + port + "/" + database + ", max " + maxSize + "]";
        }
    }

    private final Vertx vertx;
    private final Map<String, Pool> pools = new ConcurrentHashMap<>();

    public ReactivePools(Vertx vertx) {
        this.vertx = vertx;
    }

    /** Creates (or replaces) the pool named {@code spec.name()}; connections open lazily. */
    public Pool create(Spec spec) {
        PgConnectOptions connect = new PgConnectOptions()
                .setHost(spec.host()).setPort(spec.port()).setDatabase(spec.database())
                .setUser(spec.user()).setPassword(spec.password())
                .setConnectTimeout((int) spec.connectTimeout().toMillis())
                .setTcpKeepAlive(true)
                // session settings in the startup packet, keepalives as on every agent session
                .setProperties(Map.of("application_name", "pgsidecar",
                        "statement_timeout", Long.toString(spec.statementTimeout().toMillis()),
                        "tcp_keepalives_idle", "5", "tcp_keepalives_interval", "2", "tcp_keepalives_count", "3"));
        PoolOptions options = new PoolOptions()
                .setName("pgsidecar-" + spec.name())
                .setMaxSize(spec.maxSize())
                .setMaxWaitQueueSize(Math.max(4, spec.maxSize() * 4))
                .setConnectionTimeout((int) spec.connectTimeout().toMillis())
                .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS)
                .setIdleTimeout((int) spec.idleTimeout().toMillis()).setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
                .setMaxLifetime((int) spec.maxLifetime().toMillis()).setMaxLifetimeUnit(TimeUnit.MILLISECONDS);
        Pool pool = PgBuilder.pool().with(options).connectingTo(connect).using(vertx).build();
        Pool previous = pools.put(spec.name(), pool);
        if (previous != null) {
            previous.close();
        }
        return pool;
    }

    /** Closes and forgets one pool. */
    public void close(String name) {
        Pool p = pools.remove(name);
        if (p != null) {
            p.close();
        }
    }

    void stop(@Observes ShutdownEvent ev) {
        pools.values().forEach(Pool::close);
        pools.clear();
    }
}
