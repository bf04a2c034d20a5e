package io.pgsidecar.maintenance;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The maintenance tasks, by the names the API and the CLI use. */
public enum Task {
    UPDATE_STATISTICS(0, false),
    VACUUM(1, true),
    MAINTAIN_INDEXES(2, true),
    CLEANUP_OLD_DATA(3, true),
    CONNECTION_HEALTH(4, false),
    HOUSEKEEPING(5, false);

    private final int lockKey;
    private final boolean heavy;

    Task(int lockKey, boolean heavy) {
        this.lockKey = lockKey;
        this.heavy = heavy;
    }

    /**
     * The object of the task's advisory lock (class {@code AdvisoryLockKeys.MAINTENANCE}): written
     * here, never the enum's order, so agents of two releases exclude each other whatever order
     * their enums list the tasks in. A new task takes the next unused number below 100; a number is
     * never reused or changed.
     */
    public int lockKey() {
        return lockKey;
    }

    /** {@code update_statistics}, ... */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Heavy tasks start only inside the maintenance window and are cancelled when it closes. */
    public boolean heavy() {
        return heavy;
    }

    public static Optional<Task> parse(String label) {
        return Arrays.stream(values()).filter(t -> t.label().equals(label)).findFirst();
    }

    /** The settings of this task. */
    MaintenanceConfig.TaskSettings settings(MaintenanceConfig c) {
        return switch (this) {
            case UPDATE_STATISTICS -> c.updateStatistics();
            case VACUUM -> c.vacuum();
            case MAINTAIN_INDEXES -> c.maintainIndexes();
            case CLEANUP_OLD_DATA -> c.cleanupOldData();
            case CONNECTION_HEALTH -> c.connectionHealth();
            case HOUSEKEEPING -> c.housekeeping();
        };
    }

    /** Whether the schedule starts this task: maintenance on (housekeeping always) and the task enabled. */
    boolean scheduled(MaintenanceConfig c) {
        return settings(c).enabled() && (this == HOUSEKEEPING || c.enabled());
    }

    /** The configuration key of this task's group: {@code pgsidecar.maintenance.update-statistics}. */
    String key() {
        return "pgsidecar.maintenance." + label().replace('_', '-');
    }
}
