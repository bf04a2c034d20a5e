package io.pgsidecar.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.pgsidecar.config.InstanceInfo;
import io.pgsidecar.db.Database;
import io.pgsidecar.db.DatabaseException;
import io.pgsidecar.db.DatabaseUnavailableException;
import io.pgsidecar.db.DbConfig;
import io.pgsidecar.db.Identifiers;
import io.pgsidecar.db.Rows;
import io.pgsidecar.db.SchemaMigrator;
import io.pgsidecar.metrics.OwnedMeters;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The audit log. A call that changes something is audited before it runs: its intent is stored
 * synchronously ({@link #intent}), and when that cannot be done within the bound the call is
 * refused ({@link AuditUnavailableException}) and does nothing. Its outcome is recorded after
 * ({@link #outcome}): outcomes wait in a bounded queue, in order, and one writer retries the oldest
 * until it is stored, so a lock or a blip delays them but loses none. While the queue is full, new
 * changing calls are refused. Every entry is also logged at once.
 */
@ApplicationScoped
public class AuditLog {

    private static final Logger LOG = Logger.getLogger("io.pgsidecar.audit");
    private static final TypeReference<Map<String, Object>> PARAMETERS = new TypeReference<>() { };
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    /** A write waiting its turn: the outcome of an intent ({@code intentId} set) or a whole entry. */
    private record Pending(Long intentId, AuditEntry entry, Instant queuedAt) {
    }

    private final Database database;
    private final ObjectMapper json;
    private final AuditConfig config;
    private final SchemaMigrator migrator;
    private final String schema;
    private final String instance;
    private final Instant startedAt = Instant.now();
    private final Deque<Pending> queue = new ArrayDeque<>();
    private final Counter writeFailures;
    private final Counter refused;
    private final Thread writer;
    private volatile boolean stalePendingMarked;
    private volatile boolean stopping;

    public AuditLog(Database database, ObjectMapper json, DbConfig db, AuditConfig config, SchemaMigrator migrator,
                    InstanceInfo instance, OwnedMeters meters) {
        this.database = database;
        this.json = json;
        this.config = config;
        this.migrator = migrator;
        this.schema = Identifiers.quote(db.schema());
        this.instance = instance.name();
        meters.own(Gauge.builder("pgsidecar.audit.pending.outcomes", this, AuditLog::pending)
                .description("Audit outcomes waiting to be stored (retried in order until they are)")
                .register(meters.registry()));
        meters.own(Gauge.builder("pgsidecar.audit.oldest.pending", this, a -> a.oldestPending().toMillis() / 1000.0)
                .baseUnit("seconds").description("How long the oldest audit outcome has been waiting to be stored")
                .register(meters.registry()));
        writeFailures = meters.own(Counter.builder("pgsidecar.audit.write.failures")
                .description("Attempts to store an audit outcome that failed and will be retried")
                .register(meters.registry()));
        refused = meters.own(Counter.builder("pgsidecar.audit.refused.calls")
                .description("Changing calls refused because their audit entry could not be stored")
                .register(meters.registry()));
        writer = new Thread(this::writeLoop, "pgsidecar-audit");
        writer.setDaemon(true);
        writer.start();
    }

    /**
     * Stores the intent of a changing call before it runs and returns its id.
     *
     * @throws AuditUnavailableException when it cannot be stored within the bound (the call must then
     *                                   not be carried out)
     */
    public long intent(AuditEntry e) {
        log("intent", e);
        int waiting = pending();
        if (waiting >= config.maxPendingOutcomes()) {
            refused.increment();
            throw new AuditUnavailableException("the audit log is behind: " + waiting + " outcomes wait to be "
                    + "stored; changing calls are refused until they are", null);
        }
        try {
            return database.withConnection(config.intentTimeout(), c -> insert(c, e));
        } catch (DatabaseUnavailableException | io.pgsidecar.db.DatabaseBusyException | DatabaseException ex) {
            refused.increment();
            throw new AuditUnavailableException("the audit entry could not be stored within "
                    + config.intentTimeout().toMillis() + " ms, so the call was not carried out: "
                    + ex.getMessage().replaceFirst("^database unavailable: ", ""), ex);
        }
    }

    /** Records the outcome of the call whose intent is {@code intentId}; stored in order, retried until it is. */
    public void outcome(long intentId, AuditEntry e) {
        log("outcome", e);
        enqueue(new Pending(intentId, e, Instant.now()));
    }

    /** Records a whole entry (a changing call that reached no resource: 404, 405, 413). */
    public void record(AuditEntry e) {
        log("call", e);
        enqueue(new Pending(null, e, Instant.now()));
    }

    /** Logs an entry that is not stored (a call refused because the audit log could not take it). */
    public void logOnly(AuditEntry e) {
        log("refused", e);
    }

    private void log(String what, AuditEntry e) {
        LOG.infof("audit %s: caller=%s client=%s action=%s outcome=%s status=%s duration_ms=%d params=%s", what,
                e.caller(), e.clientAddress(), e.action(), e.outcome(), e.httpStatus(), e.durationMs(),
                toJson(e.parameters()));
    }

    private void enqueue(Pending p) {
        synchronized (queue) {
            queue.addLast(p);
            queue.notifyAll();
        }
    }

    /** Outcomes waiting to be stored. */
    public int pending() {
        synchronized (queue) {
            return queue.size();
        }
    }

    /** Age of the oldest outcome waiting to be stored (zero when none waits). */
    public Duration oldestPending() {
        synchronized (queue) {
            Pending head = queue.peekFirst();
            return head == null ? Duration.ZERO : Duration.between(head.queuedAt(), Instant.now());
        }
    }

    private void writeLoop() {
        Duration backoff = Duration.ofMillis(100);
        while (!stopping) {
            Pending head;
            synchronized (queue) {
                head = queue.peekFirst();
                if (head == null) {
                    try {
                        queue.wait(1000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
            if (head == null) {
                // outside the lock: callers asking how many outcomes wait must never wait on the database
                markStalePending();
                continue;
            }
            try {
                write(head);
                synchronized (queue) {
                    queue.pollFirst();
                }
                backoff = Duration.ofMillis(100);
            } catch (RuntimeException ex) {
                writeFailures.increment();
                LOG.debugf("audit outcome for %s not stored yet, will retry: %s", head.entry().action(), ex.getMessage());
                try {
                    Thread.sleep(backoff.toMillis());
                } catch (InterruptedException e) {
                    return;
                }
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    private void write(Pending p) {
        database.forJob(c -> {
            if (p.intentId() == null) {
                return insert(c, p.entry());
            }
            AuditEntry e = p.entry();
            try (PreparedStatement ps = c.prepareStatement(AuditQueries.OUTCOME.formatted(schema))) {
                ps.setString(1, e.action());
                ps.setString(2, toJson(e.parameters()));
                ps.setString(3, e.outcome());
                setStatus(ps, 4, e.httpStatus());
                ps.setString(5, e.detail());
                ps.setLong(6, e.durationMs());
                ps.setLong(7, p.intentId());
                return (long) ps.executeUpdate();
            }
        });
    }

    /** Once per run, after the schema exists: intents an earlier run of this instance left pending. */
    private void markStalePending() {
        if (stalePendingMarked || !migrator.status().done()) {
            return;
        }
        try {
            int n = database.forJob(c -> {
                try (PreparedStatement ps = c.prepareStatement(AuditQueries.STALE_PENDING.formatted(schema))) {
                    ps.setString(1, instance);
                    ps.setTimestamp(2, Timestamp.from(startedAt));
                    return ps.executeUpdate();
                }
            });
            stalePendingMarked = true;
            if (n > 0) {
                LOG.warnf("%d audit entries of an earlier run of %s had no outcome; marked unknown", n, instance);
            }
        } catch (RuntimeException e) {
            LOG.debugf("stale audit intents not marked yet: %s", e.getMessage());
        }
    }

    private long insert(Connection c, AuditEntry e) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(AuditQueries.INSERT.formatted(schema))) {
            ps.setTimestamp(1, Timestamp.from(e.occurredAt()));
            ps.setString(2, e.caller());
            ps.setString(3, e.clientAddress());
            ps.setString(4, e.instance());
            ps.setString(5, e.action());
            ps.setString(6, toJson(e.parameters()));
            ps.setString(7, e.outcome());
            setStatus(ps, 8, e.httpStatus());
            ps.setString(9, e.detail());
            ps.setLong(10, e.durationMs());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void setStatus(PreparedStatement ps, int i, Integer status) throws SQLException {
        if (status == null) {
            ps.setNull(i, Types.INTEGER);
        } else {
            ps.setInt(i, status);
        }
    }

    /** Newest entries first, optionally only one action. */
    public List<AuditEntry> list(int limit, Optional<String> action) {
        return database.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(AuditQueries.LIST.formatted(schema))) {
                ps.setString(1, action.orElse(null));
                ps.setString(2, action.orElse(null));
                ps.setInt(3, limit);
                List<AuditEntry> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new AuditEntry(rs.getLong(1), rs.getTimestamp(2).toInstant(), rs.getString(3),
                                rs.getString(4), rs.getString(5), rs.getString(6), fromJson(rs.getString(7)),
                                rs.getString(8), Rows.intOrNull(rs, 9), rs.getString(10), rs.getLong(11)));
                    }
                }
                return out;
            }
        });
    }

    /** Deletes rows older than {@code retention}; returns how many went. */
    public int prune(Duration retention) {
        return database.forJob(c -> {
            try (PreparedStatement ps = c.prepareStatement(AuditQueries.PRUNE.formatted(schema, schema))) {
                ps.setDouble(1, retention.toSeconds());
                return ps.executeUpdate();
            }
        });
    }

    /** Waits (bounded) until every queued outcome is stored; used at shutdown and by tests. */
    public boolean flush(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (pending() == 0) {
                return true;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    void onStop(@Observes ShutdownEvent ev) {
        if (!flush(Duration.ofSeconds(5))) {
            LOG.warnf("%d audit outcomes not stored at shutdown; they are in this log", pending());
        }
        stopping = true;
        writer.interrupt();
    }

    private String toJson(Map<String, Object> params) {
        try {
            return json.writeValueAsString(params == null ? Map.of() : params);
        } catch (JsonProcessingException ex) {
            return "{}";
        }
    }

    private Map<String, Object> fromJson(String s) {
        try {
            return json.readValue(s, PARAMETERS);
        } catch (JsonProcessingException | IllegalArgumentException ex) {
            return Map.of();
        }
    }
}
