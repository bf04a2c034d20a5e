package io.pgsidecar.partitions;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Where partitions should be, from the catalog and the clock: what premake is missing, how much
 * runway a set has, which partitions retention makes due, where the gaps are. Pure: tested with
 * fixed instants and made-up tables.
 */
final class Layout {

    /** Most intervals a runway is counted to (a MAXVALUE partition covers "forever"). */
    static final int RUNWAY_CAP = 1000;

    private Layout() {
    }

    /**
     * One partition the agent would make: [start, end) in the set's zone, its bounds on the key's
     * scale and as SQL literals, and its name.
     */
    record Range(LocalDate start, LocalDate end, Instant lower, Instant upper, String lowerLiteral, String upperLiteral,
                 String name) {
    }

    /** An existing partition in the way of a range: it overlaps the range without being exactly it. */
    record Conflict(Range range, String partition, String bound) {
    }

    /** What premake found: ranges to create, ranges already there, ranges blocked by other partitions. */
    record Premake(List<Range> missing, List<Range> present, List<Conflict> conflicts) {
    }

    /** Retention's verdict: the cutoff, the partitions due (oldest first), and what was kept although due. */
    record Retention(Instant cutoff, List<PartitionedTable.Partition> due, List<String> kept) {
    }

    /** A hole between two neighbouring partitions. */
    record Gap(String after, String before, Instant from, Instant to) {
    }

    /** The ranges covering [from, to): whole intervals, from the one containing {@code from}. */
    static List<Range> ranges(PartitionSet set, ColumnType type, LocalDate from, LocalDate to) {
        List<Range> out = new ArrayList<>();
        LocalDate d = set.interval().floor(from);
        while (d.isBefore(to)) {
            LocalDate next = set.interval().next(d);
            out.add(range(set, type, d, next));
            d = next;
        }
        return out;
    }

    static Range range(PartitionSet set, ColumnType type, LocalDate start, LocalDate end) {
        return new Range(start, end, type.start(start, set.zone()), type.start(end, set.zone()),
                type.literal(start, set.zone()), type.literal(end, set.zone()), set.partitionName(start));
    }

    /** The interval containing now and the {@code premake} after it, as the table has them or not. */
    static Premake premake(PartitionedTable table, PartitionSet set, ColumnType type, Instant now) {
        LocalDate current = set.interval().floor(type.day(type.now(now, set.zone()), set.zone()));
        LocalDate end = current;
        for (int k = 0; k <= set.premake(); k++) {
            end = set.interval().next(end);
        }
        return classify(table, ranges(set, type, current, end));
    }

    /** Splits ranges into missing, present (exactly there) and blocked by an overlapping partition. */
    static Premake classify(PartitionedTable table, List<Range> ranges) {
        List<Range> missing = new ArrayList<>();
        List<Range> present = new ArrayList<>();
        List<Conflict> conflicts = new ArrayList<>();
        for (Range r : ranges) {
            PartitionedTable.Partition exact = null;
            PartitionedTable.Partition other = null;
            for (PartitionedTable.Partition p : table.partitions()) {
                if (p.covers(r.lower(), r.upper())) {
                    exact = p;
                } else if (p.overlaps(r.lower(), r.upper())) {
                    other = p;
                }
            }
            if (exact != null) {
                present.add(r);
            } else if (other != null) {
                conflicts.add(new Conflict(r, other.qualified(), other.bound()));
            } else {
                missing.add(r);
            }
        }
        return new Premake(List.copyOf(missing), List.copyOf(present), List.copyOf(conflicts));
    }

    /** Whole intervals after the current one that partitions cover without a hole (at most {@link #RUNWAY_CAP}). */
    static int runway(PartitionedTable table, PartitionSet set, ColumnType type, Instant now) {
        LocalDate d = set.interval().next(set.interval().floor(type.day(type.now(now, set.zone()), set.zone())));
        int n = 0;
        while (n < RUNWAY_CAP) {
            LocalDate next = set.interval().next(d);
            Instant lo = type.start(d, set.zone());
            Instant hi = type.start(next, set.zone());
            boolean covered = table.partitions().stream().anyMatch(p -> !p.isDefault()
                    && (p.minValue() || p.lower().map(l -> !l.isAfter(lo)).orElse(false))
                    && (p.maxValue() || p.upper().map(u -> !u.isBefore(hi)).orElse(false)));
            if (!covered) {
                break;
            }
            n++;
            d = next;
        }
        return n;
    }

    /** For a table no set describes: how many partitions start after now. */
    static int futurePartitions(PartitionedTable table, Instant nowOnScale) {
        return (int) table.partitions().stream().filter(p -> !p.isDefault())
                .filter(p -> p.lower().map(l -> l.isAfter(nowOnScale)).orElse(false)).count();
    }

    /** "Now" minus the retention, on the key's scale; months counted in the set's zone. */
    static Instant cutoff(ColumnType type, ZoneId zone, int months, Instant now) {
        if (type == ColumnType.TIMESTAMPTZ) {
            return now.atZone(zone).minusMonths(months).toInstant();
        }
        return LocalDateTime.ofInstant(now, zone).minusMonths(months).toInstant(ZoneOffset.UTC);
    }

    /**
     * Partitions whose upper bound is at or before the cutoff, oldest first. Never the default
     * partition, never one without an upper bound (MAXVALUE, unreadable), so never the one holding the
     * cutoff, and never the last partition left: when every partition is due, the newest stays.
     */
    static Retention retention(PartitionedTable table, ColumnType type, ZoneId zone, int months, Instant now) {
        Instant cutoff = cutoff(type, zone, months, now);
        List<PartitionedTable.Partition> ranged = table.ranged();
        List<PartitionedTable.Partition> due = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        for (PartitionedTable.Partition p : ranged) {
            if (p.upper().isPresent() && !p.upper().get().isAfter(cutoff)) {
                due.add(p);
            }
        }
        if (!due.isEmpty() && due.size() == ranged.size()) {
            PartitionedTable.Partition last = due.remove(due.size() - 1);
            kept.add(last.qualified() + " is past the cutoff but the last partition of the table: kept");
        }
        return new Retention(cutoff, List.copyOf(due), List.copyOf(kept));
    }

    /** Holes between neighbouring ranged partitions. Overlaps cannot exist: PostgreSQL refuses them. */
    static List<Gap> gaps(PartitionedTable table) {
        List<Gap> out = new ArrayList<>();
        List<PartitionedTable.Partition> ranged = table.ranged();
        for (int i = 1; i < ranged.size(); i++) {
            PartitionedTable.Partition a = ranged.get(i - 1);
            PartitionedTable.Partition b = ranged.get(i);
            if (a.upper().isPresent() && b.lower().isPresent() && a.upper().get().isBefore(b.lower().get())) {
                out.add(new Gap(a.qualified(), b.qualified(), a.upper().get(), b.lower().get()));
            }
        }
        return out;
    }
}
