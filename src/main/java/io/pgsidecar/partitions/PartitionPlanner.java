package io.pgsidecar.partitions;

import io.pgsidecar.db.Identifiers;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Turns ranges and due partitions into steps with the exact SQL they run. Pure. */
final class PartitionPlanner {

    /** The default partition is counted up to this many rows in a range: one is enough to refuse. */
    static final long DEFAULT_COUNT_CAP = 1_000_000;

    private PartitionPlanner() {
    }

    static String q(String schema, String name) {
        return Identifiers.quote(schema) + "." + Identifiers.quote(name);
    }

    /**
     * Make one partition without blocking the application: a standalone table like the parent with
     * a CHECK matching the bounds (so ATTACH needs no scan of it), ATTACH (SHARE UPDATE EXCLUSIVE on
     * the parent), then the helper CHECK dropped. With a default partition, its rows in the range
     * are counted first: if there are any, the partition is not made.
     *
     * @param owner the parent's owner when it differs from the agent's role, else null
     */
    static Step create(PartitionedTable table, Layout.Range r, String owner) {
        String parent = q(table.schema(), table.name());
        String child = q(table.schema(), r.name());
        String col = Identifiers.quote(table.keyColumn());
        String check = Identifiers.quote(constraintName(r.name()));
        String in = col + " >= " + r.lowerLiteral() + " AND " + col + " < " + r.upperLiteral();
        List<Step.Sql> sql = new ArrayList<>();
        Optional<PartitionedTable.Partition> def = table.defaultPartition();
        if (def.isPresent()) {
            sql.add(new Step.Sql(Step.Kind.CHECK_DEFAULT, "/* pgsidecar */ SELECT count(*) FROM (SELECT 1 FROM "
                    + q(def.get().schema(), def.get().name()) + " WHERE " + in + " LIMIT " + DEFAULT_COUNT_CAP + ") x",
                    q(def.get().schema(), def.get().name())));
        }
        sql.add(new Step.Sql(Step.Kind.CREATE, "/* pgsidecar */ CREATE TABLE " + child + " (LIKE " + parent
                + " INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE INCLUDING COMMENTS)", parent));
        if (owner != null) {
            sql.add(new Step.Sql(Step.Kind.DDL, "/* pgsidecar */ ALTER TABLE " + child + " OWNER TO "
                    + Identifiers.quote(owner), child));
        }
        sql.add(new Step.Sql(Step.Kind.DDL, "/* pgsidecar */ ALTER TABLE " + child + " ADD CONSTRAINT " + check
                + " CHECK (" + col + " IS NOT NULL AND " + in + ")", child));
        sql.add(new Step.Sql(Step.Kind.DDL, "/* pgsidecar */ ALTER TABLE " + parent + " ATTACH PARTITION " + child
                + " FOR VALUES FROM (" + r.lowerLiteral() + ") TO (" + r.upperLiteral() + ")", parent));
        sql.add(new Step.Sql(Step.Kind.DDL, "/* pgsidecar */ ALTER TABLE " + child + " DROP CONSTRAINT " + check, child));
        return new Step("create_partition", table.schema() + "." + r.name(), "[" + r.start() + ", " + r.end() + ")", sql,
                "/* pgsidecar */ DROP TABLE IF EXISTS " + child);
    }

    /**
     * Take one partition out of the set: finalize a detach left pending; otherwise DETACH
     * CONCURRENTLY where PostgreSQL allows it (14+, no default partition), else a plain DETACH under
     * lock_timeout. Then drop it, move it to the archive schema, or leave it as a table of its own.
     */
    static Step remove(PartitionedTable table, PartitionedTable.Partition p, PartitionSet.Retention mode,
                       Optional<String> archiveSchema, int serverVersion, String why) {
        String parent = q(table.schema(), table.name());
        String child = q(p.schema(), p.name());
        List<Step.Sql> sql = new ArrayList<>();
        if (p.detachPending()) {
            sql.add(new Step.Sql(Step.Kind.DDL, "/* pgsidecar */ ALTER TABLE " + parent + " DETACH PARTITION " + child
                    + " FINALIZE", parent));
        } else if (serverVersion >= 140000 && table.defaultPartition().isEmpty()) {
            sql.add(new Step.Sql(Step.Kind.DETACH_CONCURRENTLY, "/* pgsidecar */ ALTER TABLE " + parent
                    + " DETACH PARTITION " + child + " CONCURRENTLY", parent));
        } else {
            sql.add(new Step.Sql(Step.Kind.DDL, "/* pgsidecar */ ALTER TABLE " + parent + " DETACH PARTITION " + child,
                    parent));
        }
        String action = "detach";
        if (mode == PartitionSet.Retention.DROP) {
            sql.add(new Step.Sql(Step.Kind.DDL, "/* pgsidecar */ DROP TABLE " + child, child));
            action = "drop";
        } else if (archiveSchema.isPresent() && !archiveSchema.get().equals(p.schema())) {
            sql.add(new Step.Sql(Step.Kind.DDL, "/* pgsidecar */ ALTER TABLE " + child + " SET SCHEMA "
                    + Identifiers.quote(archiveSchema.get()), child));
            action = "archive";
        }
        return new Step(action, p.qualified(), why, sql, null);
    }

    /** The helper CHECK's name: the partition's name with a suffix, within 63 bytes. */
    static String constraintName(String partition) {
        String suffix = "_pgsidecar_bounds";
        String base = partition.length() + suffix.length() > 63 ? partition.substring(0, 63 - suffix.length()) : partition;
        return base + suffix;
    }
}
