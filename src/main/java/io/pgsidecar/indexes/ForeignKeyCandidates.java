package io.pgsidecar.indexes;

import io.pgsidecar.db.Identifiers;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Candidates from foreign keys: a referencing table without an index that starts with the key's
 * columns makes every update or delete of a parent row scan it. The gain is that scan's rough cost
 * times the parent's changes per hour; the probe is the statement the key's check runs on the child.
 */
final class ForeignKeyCandidates {

    /** A rough in-cache sequential scan: ms per 8 KiB page and per row (the estimate of an FK check's cost). */
    static final double SEQ_MS_PER_PAGE = 0.01;
    static final double SEQ_MS_PER_ROW = 0.0002;

    private ForeignKeyCandidates() {
    }

    /**
     * Adds the candidate of one foreign key ({constraint, schema, table, columns joined by NUL, parent
     * schema, parent table}), or marks the plan candidate that already serves it.
     */
    static void add(String[] fk, Map<String, IndexCatalog.TableStat> tables, Map<String, List<CatalogIndex>> byTable,
                    Map<String, Candidate> candidates, double statsSeconds) {
        String qualified = fk[1] + "." + fk[2];
        List<String> columns = List.of(fk[3].split("\u0000"));
        if (IndexChecks.startingWith(byTable.getOrDefault(qualified, List.of()), columns).isPresent()) {
            return;
        }
        IndexCatalog.TableStat child = tables.get(qualified);
        IndexCatalog.TableStat parent = tables.get(fk[4] + "." + fk[5]);
        if (child == null || "p".equals(child.kind())) {
            return; // a partitioned table's key: each partition's index is what counts
        }
        Candidate found = null;
        for (Candidate c : candidates.values()) {
            if (c.schema.equals(fk[1]) && c.table.equals(fk[2]) && c.where == null
                    && c.columns.size() >= columns.size()
                    && Set.copyOf(c.columns.subList(0, columns.size())).equals(Set.copyOf(columns))) {
                found = c;
                break;
            }
        }
        if (found == null) {
            found = new Candidate(fk[1], fk[2], columns, columns.stream().map(x -> false).toList(), null);
            candidates.put(found.key(), found);
        }
        found.foreignKey = fk[0];
        double parentChangesPerHour = parent == null ? 0 : parent.updatesDeletes() * 3600.0 / statsSeconds;
        double scanMs = child.pages() * SEQ_MS_PER_PAGE + child.rows() * SEQ_MS_PER_ROW;
        found.fkMsPerHour = parentChangesPerHour * scanMs;
        StringBuilder probe = new StringBuilder("SELECT 1 FROM ONLY " + Identifiers.quote(fk[1]) + "."
                + Identifiers.quote(fk[2]) + " x WHERE ");
        for (int i = 0; i < columns.size(); i++) {
            probe.append(i == 0 ? "" : " AND ").append("x.").append(Identifiers.quote(columns.get(i)))
                    .append(" = $").append(i + 1);
        }
        found.fkProbe = probe.toString(); // what the foreign key's check runs on the child for each parent change
    }
}
