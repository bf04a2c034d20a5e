package io.pgsidecar.replicas;

import io.pgsidecar.config.DatabaseUrl;
import io.pgsidecar.config.SecretFiles;
import io.pgsidecar.db.ReactivePools;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Asks one replica how it is, through its own small reactive pool, with its own deadline: a slow or
 * dead replica delays no other.
 */
final class ReplicaProbe {

    private final ReplicaTarget target;
    private final Pool pool;
    private final String poolName;
    private final long deadlineMillis;

    private ReplicaProbe(ReplicaTarget target, Pool pool, String poolName, long deadlineMillis) {
        this.target = target;
        this.pool = pool;
        this.poolName = poolName;
        this.deadlineMillis = deadlineMillis;
    }

    /** Parses the configured replica and opens its pool (connections open lazily). */
    static ReplicaProbe open(ReplicasConfig config, ReplicasConfig.Replica rc, ReactivePools pools) {
        DatabaseUrl url = DatabaseUrl.parse(rc.url());
        String password = url.password().orElseGet(() -> rc.passwordFile().map(ReplicaProbe::readSecret).orElse(""));
        ReplicaTarget t = new ReplicaTarget(rc.name(), url.host(), url.port(), url.database(),
                url.user().orElse("postgres"), rc.weight(), rc.maxLagSeconds(),
                rc.maxLagBytes().isPresent() ? rc.maxLagBytes().getAsLong() : null);
        String poolName = "replica-" + rc.name();
        Pool pool = pools.create(new ReactivePools.Spec(poolName, t.host(), t.port(), t.database(), t.user(), password,
                config.poolSize(), config.poolTimeout(), config.statementTimeout(), Duration.ofMinutes(5),
                config.poolRecycle()));
        return new ReplicaProbe(t, pool, poolName,
                config.poolTimeout().toMillis() + config.statementTimeout().toMillis());
    }

    private static String readSecret(String file) {
        try {
            return SecretFiles.read(file);
        } catch (IOException e) {
            throw new IllegalStateException("replica password file '" + file + "' cannot be read");
        }
    }

    ReplicaTarget target() {
        return target;
    }

    String poolName() {
        return poolName;
    }

    /** Starts one observation; it completes (never exceptionally) by the probe's deadline at the latest. */
    CompletableFuture<Observation> observe() {
        return observe(Duration.ofMillis(deadlineMillis));
    }

    /**
     * Starts one observation that completes (never exceptionally) within {@code deadline}. Both
     * queries run on one connection borrowed for them ({@code withConnection}: the pool's own
     * query path leaves a timer behind when it cannot connect).
     */
    CompletableFuture<Observation> observe(Duration deadline) {
        long limit = Math.min(deadlineMillis, deadline.toMillis());
        long start = System.nanoTime();
        CompletableFuture<Observation> f = pool.withConnection(conn -> conn.query(ReplicasQueries.REPLICA).execute()
                        .compose(rows -> {
                            Row row = rows.iterator().next();
                            double response = (System.nanoTime() - start) / 1e9;
                            return conn.query(ReplicasQueries.SYSTEM_IDENTIFIER).execute()
                                    .transform(ids -> Future.succeededFuture(new Observation(true,
                                            row.getBoolean("in_recovery"), row.getString("receive_lsn"),
                                            row.getString("replay_lsn"), row.getDouble("replay_age"),
                                            row.getBoolean("paused"), row.getString("receiver"),
                                            row.getInteger("active"),
                                            ids.succeeded() && ids.result().iterator().hasNext()
                                                    ? ids.result().iterator().next().getString(0) : null,
                                            response, null, false)));
                        }))
                .toCompletionStage().toCompletableFuture();
        return f.orTimeout(limit, TimeUnit.MILLISECONDS).exceptionally(e -> {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof TimeoutException) {
                return Observation.failed("no answer within " + limit + " ms");
            }
            String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
            return refusal(cause) ? Observation.refused(message) : Observation.failed(message);
        });
    }

    /**
     * Index scans counted on the replica ({@code schema.index} to idx_scan), or empty when it did not
     * answer within {@code deadline}: completes, never exceptionally, by then.
     */
    CompletableFuture<java.util.Optional<IndexScans>> indexScans(Duration deadline) {
        long limit = Math.min(deadlineMillis, deadline.toMillis());
        return pool.withConnection(conn -> conn.query(ReplicasQueries.INDEX_SCANS).execute())
                .toCompletionStage().toCompletableFuture()
                .thenApply(rows -> {
                    java.util.Map<String, Long> out = new java.util.HashMap<>();
                    double age = Double.MAX_VALUE;
                    for (Row r : rows) {
                        out.put(r.getString(0), r.getLong(1));
                        age = r.getDouble(2);
                    }
                    return java.util.Optional.of(new IndexScans(out, age));
                })
                .orTimeout(limit, TimeUnit.MILLISECONDS)
                .exceptionally(e -> java.util.Optional.empty());
    }

    /**
     * Whether the replica answered but would not let the agent in: the port refused the connection,
     * or PostgreSQL refused the session (authentication, no free slots, starting up or shutting down).
     */
    static boolean refusal(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectException) {
                return true;
            }
            if (t instanceof PgException pg && pg.getSqlState() != null) {
                String state = pg.getSqlState();
                if (state.startsWith("28") || state.equals("53300") || state.equals("3D000")
                        || state.equals("57P03") || state.equals("57P01")) {
                    return true;
                }
            }
        }
        return false;
    }

    static Observation await(CompletableFuture<Observation> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Observation.failed("interrupted");
        } catch (ExecutionException e) {
            return Observation.failed(String.valueOf(e.getCause().getMessage()));
        }
    }
}
