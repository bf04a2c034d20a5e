package io.pgsidecar.db;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgsidecar.config.InstanceInfo;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The latest snapshot of each poller, kept in the agent's schema: the leader writes what it
 * collected, followers read it on their own schedule, so every instance serves the same figures
 * and a GET never triggers a poll. Failures are logged, never thrown: the in-memory snapshot stays
 * authoritative on the leader.
 */
@ApplicationScoped
public class SnapshotStore {

    private static final Logger LOG = Logger.getLogger(SnapshotStore.class);

    static final String UPSERT = """
            /* pgsidecar */
            INSERT INTO %s.snapshots (kind, captured_at, instance, body) VALUES (?, pg_catalog.now(), ?, ?::jsonb)
            ON CONFLICT (kind) DO UPDATE SET captured_at = excluded.captured_at, instance = excluded.instance,
                                             body = excluded.body
            """;

    static final String LOAD = "/* pgsidecar */ SELECT body::text FROM %s.snapshots WHERE kind = ?";

    /** The body and its age by the server's clock (it wrote {@code captured_at} too). */
    static final String LOAD_AGED = """
            /* pgsidecar */
            SELECT body::text, extract(epoch FROM pg_catalog.now() - captured_at)::float8
              FROM %s.snapshots WHERE kind = ?
            """;

    /**
     * The JSON form snapshots are stored in, part of their key: agents of a release with another
     * form (a rolling upgrade) neither read nor overwrite each other's rows.
     */
    static final String FORMAT = ".v2";

    private final Database database;
    private final ObjectMapper json;
    private final SchemaMigrator migrator;
    private final String schema;
    private final String instance;

    public SnapshotStore(Database database, ObjectMapper json, SchemaMigrator migrator, DbConfig config,
                         InstanceInfo instance) {
        this.database = database;
        this.json = json;
        this.migrator = migrator;
        this.schema = Identifiers.quote(config.schema());
        this.instance = instance.name();
    }

    public void save(String kind, Object snapshot) {
        if (!migrator.status().done()) {
            return;
        }
        try {
            String body = json.writeValueAsString(snapshot);
            database.withConnection(c -> {
                try (PreparedStatement ps = c.prepareStatement(UPSERT.formatted(schema))) {
                    ps.setString(1, kind + FORMAT);
                    ps.setString(2, instance);
                    ps.setString(3, body);
                    return ps.executeUpdate();
                }
            });
        } catch (Exception e) {
            LOG.debugf("snapshot %s not stored: %s", kind, e.getMessage());
        }
    }

    /** The stored snapshot of this kind, or empty when there is none or it cannot be read for any reason. */
    public <T> Optional<T> load(String kind, Class<T> type) {
        try {
            return read(kind, type);
        } catch (RuntimeException e) {
            LOG.debugf("snapshot %s not loaded: %s", kind, e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * The stored snapshot of this kind, or empty when there is none (or it does not parse); a
     * database that cannot be reached is thrown (DatabaseUnavailableException), for a caller that
     * would otherwise go on to the database again.
     */
    public <T> Optional<T> read(String kind, Class<T> type) {
        if (!migrator.status().done()) {
            return Optional.empty();
        }
        String body = database.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(LOAD.formatted(schema))) {
                ps.setString(1, kind + FORMAT);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getString(1) : null;
                }
            }
        });
        try {
            return body == null ? Optional.empty() : Optional.of(json.readValue(body, type));
        } catch (Exception e) {
            LOG.debugf("snapshot %s not read: %s", kind, e.getMessage());
            return Optional.empty();
        }
    }

    /** A stored snapshot and how long ago it was stored, by the server's clock. */
    public record Aged<T>(T snapshot, java.time.Duration age) {
    }

    /**
     * Like {@link #read}, with the snapshot's age measured by the server that stored it: another
     * agent wrote it, so its age is never judged by this pod's clock.
     */
    public <T> Optional<Aged<T>> readAged(String kind, Class<T> type) {
        if (!migrator.status().done()) {
            return Optional.empty();
        }
        Object[] row = database.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(LOAD_AGED.formatted(schema))) {
                ps.setString(1, kind + FORMAT);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? new Object[] {rs.getString(1), rs.getDouble(2)} : null;
                }
            }
        });
        if (row == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Aged<>(json.readValue((String) row[0], type),
                    java.time.Duration.ofMillis(Math.max(0, Math.round((Double) row[1] * 1000)))));
        } catch (Exception e) {
            LOG.debugf("snapshot %s not read: %s", kind, e.getMessage());
            return Optional.empty();
        }
    }
}
