package io.pgsidecar.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgsidecar.maintenance.Task;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The advisory lock keys are part of the agent's contract with its other releases: two versions
 * running side by side during a rolling upgrade exclude each other only through the same keys. So
 * every key is pinned here, and docs/architecture.md's table must list exactly the keys in code.
 */
class AdvisoryLockKeysTest {

    /** The lock classes, by the constant that holds them; a change to any of these numbers is a break. */
    static final Map<String, Integer> CLASSES = Map.of(
            "MIGRATION", 0x7067736d,
            "LEADER", 0x70677363,
            "MAINTENANCE", 0x70676d74,
            "PARTITIONS", 0x70677074,
            "INDEXES", 0x70676978);

    /** The maintenance tasks' lock objects, as released: never the enum's order. */
    static final Map<Task, Integer> TASK_KEYS = Map.of(
            Task.UPDATE_STATISTICS, 0,
            Task.VACUUM, 1,
            Task.MAINTAIN_INDEXES, 2,
            Task.CLEANUP_OLD_DATA, 3,
            Task.CONNECTION_HEALTH, 4,
            Task.HOUSEKEEPING, 5);

    static Map<String, Integer> classesInCode() {
        Map<String, Integer> out = new LinkedHashMap<>();
        out.put("MIGRATION", AdvisoryLockKeys.MIGRATION);
        out.put("LEADER", AdvisoryLockKeys.LEADER);
        out.put("MAINTENANCE", AdvisoryLockKeys.MAINTENANCE);
        out.put("PARTITIONS", AdvisoryLockKeys.PARTITIONS);
        out.put("INDEXES", AdvisoryLockKeys.INDEXES);
        return out;
    }

    @Test
    void theLockClassesAreTheReleasedNumbersAndDistinct() {
        assertThat(classesInCode()).isEqualTo(CLASSES);
        assertThat(new HashSet<>(classesInCode().values())).hasSameSizeAs(CLASSES.values());
        // every int constant of the class is one of the pinned ones: a new key is added here too
        List<String> declared = new ArrayList<>();
        for (var f : AdvisoryLockKeys.class.getDeclaredFields()) {
            if (f.getType() == int.class && !f.getName().equals("MAINTENANCE_SLOT_BASE")) {
                declared.add(f.getName());
            }
        }
        assertThat(declared).containsExactlyInAnyOrderElementsOf(CLASSES.keySet());
    }

    @Test
    void everyTaskHasItsWrittenKeyDistinctAndBelowTheSlots() {
        assertThat(AdvisoryLockKeys.MAINTENANCE_SLOT_BASE).isEqualTo(100);
        Set<Integer> seen = new HashSet<>();
        for (Task t : Task.values()) {
            assertThat(TASK_KEYS).as("task %s has no pinned key: give it the next unused number", t).containsKey(t);
            assertThat(t.lockKey()).as(t.label()).isEqualTo(TASK_KEYS.get(t));
            assertThat(seen.add(t.lockKey())).as("key of %s is taken twice", t).isTrue();
            assertThat(t.lockKey()).as(t.label()).isBetween(0, AdvisoryLockKeys.MAINTENANCE_SLOT_BASE - 1);
        }
    }

    @Test
    void theArchitectureTableListsExactlyTheKeysInCode() throws IOException {
        String doc = Files.readString(Path.of("docs/architecture.md"));
        int start = doc.indexOf("### Advisory lock keys");
        assertThat(start).as("docs/architecture.md has an 'Advisory lock keys' section").isNotNegative();
        int end = doc.indexOf("\n### ", start + 1);
        String section = doc.substring(start, end < 0 ? doc.length() : end);

        Set<String> documented = new TreeSet<>();
        Pattern row = Pattern.compile("(?m)^\\| `(0x[0-9a-f]{8})` \\('[a-z]{4}'\\) \\| ([^|]+) \\|");
        Matcher m = row.matcher(section);
        while (m.find()) {
            String object = m.group(2).trim();
            documented.add(m.group(1) + " " + (object.matches("`\\d+`") ? object.replace("`", "") : "*"));
        }

        Set<String> inCode = new TreeSet<>();
        for (int c : classesInCode().values()) {
            if (c != AdvisoryLockKeys.MAINTENANCE) {
                inCode.add(hex(c) + " *");
            }
        }
        for (Task t : Task.values()) {
            inCode.add(hex(AdvisoryLockKeys.MAINTENANCE) + " " + t.lockKey());
        }
        inCode.add(hex(AdvisoryLockKeys.MAINTENANCE) + " *"); // the slots
        assertThat(documented).isEqualTo(inCode);
        for (Task t : Task.values()) {
            assertThat(section).as("the row of %s names it", t).contains("task `" + t.label() + "`");
        }
    }

    private static String hex(int v) {
        return String.format(Locale.ROOT, "0x%08x", v);
    }
}
