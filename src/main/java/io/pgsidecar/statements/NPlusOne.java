package io.pgsidecar.statements;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The N+1 heuristic: an application that loads a list and then fetches each item with its own
 * query shows up in pg_stat_statements as one statement with
 * <ol>
 *   <li>very many calls in the interval (at least {@code n-plus-one-min-calls}),</li>
 *   <li>about one row per call (at most {@code n-plus-one-max-rows-per-call}),</li>
 *   <li>a cheap mean (at most {@code n-plus-one-max-mean}): each call is fast, there are just many,</li>
 *   <li>a text that is a SELECT from a single table (no JOIN, no comma-separated FROM list, no
 *       sub-select) filtered by equality on a parameter ({@code WHERE col = $1}).</li>
 * </ol>
 * All four together point at a lookup by key in a loop; the fix is one query with
 * {@code WHERE col = ANY($1)} or a join.
 */
public final class NPlusOne {

    private static final Pattern SINGLE_TABLE_KEY_LOOKUP = Pattern.compile(
            "(?is)^\\s*select\\s+.+?\\s+from\\s+[\\w.\"]+(\\s+(as\\s+)?\\w+)?\\s+where\\s+[\\w.\"]+\\s*=\\s*\\$\\d+"
                    + "(\\s+(and|limit)\\s+.*)?\\s*;?\\s*$");

    private NPlusOne() {
    }

    /** True when the text has the shape of a single-table lookup by key. */
    public static boolean isKeyLookup(String text) {
        if (text == null) {
            return false;
        }
        String t = StatementType.strip(text);
        String lower = t.toLowerCase(Locale.ROOT);
        if (lower.contains(" join ") || lower.indexOf("select", 6) >= 0) {
            return false;
        }
        int from = lower.indexOf(" from ");
        int where = lower.indexOf(" where ");
        if (from < 0 || where < 0 || lower.substring(from, where).contains(",")) {
            return false;
        }
        return SINGLE_TABLE_KEY_LOOKUP.matcher(t).matches();
    }

    /** Whether one interval's figures for a statement make it an N+1 candidate. */
    static boolean isCandidate(StatementDelta d, String text, SnapshotAssembler.Rules rules) {
        if (d.calls() < rules.nPlusOneMinCalls()) {
            return false;
        }
        double rowsPerCall = d.rows() / (double) d.calls();
        return rowsPerCall <= rules.nPlusOneMaxRowsPerCall()
                && d.meanMs() <= rules.nPlusOneMaxMeanMs()
                && isKeyLookup(text);
    }
}
