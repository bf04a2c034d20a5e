package io.pgsidecar.db;

/**
 * Every advisory lock class the agent takes, as written numbers. Two releases of the agent run side
 * by side during a rolling upgrade and exclude each other only if they lock the same keys, so a key
 * is never derived from anything that can move with the code (an enum's order, a list's position):
 * changing one is a breaking change. Each lock is {@code pg_advisory_lock(class, object)} on two
 * int4 halves; the class says whose lock it is, the object which one. docs/architecture.md lists
 * them all in one table and {@code AdvisoryLockKeysTest} pins them.
 */
public final class AdvisoryLockKeys {

    private AdvisoryLockKeys() {
    }

    /** Schema migration ('pgsm'); the object is the schema name's Java {@code hashCode}. */
    public static final int MIGRATION = 0x7067736d;
    /** Leader election ('pgsc'); the object is a hash of the schema name, or {@code pgsidecar.leader.lock-key}. */
    public static final int LEADER = 0x70677363;
    /** Maintenance ('pgmt'); the object is a task's written key (below 100) or a run slot. */
    public static final int MAINTENANCE = 0x70676d74;
    /** The first maintenance slot object: slot {@code n} is {@code MAINTENANCE_SLOT_BASE + n}. */
    public static final int MAINTENANCE_SLOT_BASE = 100;
    /** Partition DDL on one set ('pgpt'); the object is {@code hashtext} of the parent's qualified name. */
    public static final int PARTITIONS = 0x70677074;
    /** Index builds on one table ('pgix'); the object is {@code hashtext} of the table's qualified name. */
    public static final int INDEXES = 0x70676978;
}
