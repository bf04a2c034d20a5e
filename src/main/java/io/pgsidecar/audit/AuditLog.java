package io.pgsidecar.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgsidecar.db.Database;
import io.pgsidecar.db.DbConfig;
import io.pgsidecar.db.Identifiers;
import io.pgsidecar.db.Rows;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Writes and reads the audit log. Every entry is logged at once; the row is written on one
 * background thread with a bounded queue, so an audit write never holds up a response and a
 * database outage cannot pile up threads (entries that cannot be written stay in the log file).
 */
@ApplicationScoped
public class AuditLog {

    private static final Logger LOG = Logger.getLogger("io.pgsidecar.audit");

    private final Database database;
    private final ObjectMapper json;
    private final String schema;
    private final ThreadPoolExecutor writer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(1000), r -> {
                Thread t = new Thread(r, "pgsidecar-audit");
                t.setDaemon(true);
                return t;
            });

    public AuditLog(Database database, ObjectMapper json, DbConfig config) {
        this.database = database;
        this.json = json;
        this.schema = Identifiers.quote(config.schema());
    }

    /** Logs the entry now and stores it in the background. */
    public void record(AuditEntry e) {
        LOG.infof("audit: caller=%s client=%s action=%s outcome=%s status=%s duration_ms=%d params=%s",
                e.caller(), e.clientAddress(), e.action(), e.outcome(), e.httpStatus(), e.durationMs(),
                toJson(e.parameters()));
        try {
            writer.execute(() -> write(e));
        } catch (RejectedExecutionException full) {
            LOG.warnf("audit queue full; entry for %s kept in the log only", e.action());
        }
    }

    private void write(AuditEntry e) {
        try {
            database.withConnection(c -> {
                try (PreparedStatement ps = c.prepareStatement(AuditQueries.INSERT.formatted(schema))) {
                    ps.setTimestamp(1, Timestamp.from(e.occurredAt()));
                    ps.setString(2, e.caller());
                    ps.setString(3, e.clientAddress());
                    ps.setString(4, e.instance());
                    ps.setString(5, e.action());
                    ps.setString(6, toJson(e.parameters()));
                    ps.setString(7, e.outcome());
                    if (e.httpStatus() == null) {
                        ps.setNull(8, Types.INTEGER);
                    } else {
                        ps.setInt(8, e.httpStatus());
                    }
                    ps.setString(9, e.detail());
                    ps.setLong(10, e.durationMs());
                    return ps.executeUpdate();
                }
            });
        } catch (RuntimeException ex) {
            LOG.warnf("audit row for %s not stored (%s); it is in this log", e.action(), ex.getMessage());
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
        return database.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(AuditQueries.PRUNE.formatted(schema, schema))) {
                ps.setDouble(1, retention.toSeconds());
                return ps.executeUpdate();
            }
        });
    }

    /** Waits (bounded) for queued writes; used at shutdown and by tests. */
    public boolean flush(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (writer.getQueue().isEmpty() && writer.getActiveCount() == 0) {
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
        flush(Duration.ofSeconds(5));
        writer.shutdownNow();
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
            return json.readValue(s, new TypeReference<Map<String, Object>>() { });
        } catch (JsonProcessingException | IllegalArgumentException ex) {
            return Map.of();
        }
    }

}
