package io.pgsidecar.indexes;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a generic plan (EXPLAIN FORMAT JSON, VERBOSE) for what an index could serve: per table
 * scan, the columns compared for equality with a parameter or another table, the columns in a
 * range condition, the constant predicates that survive normalization (IS NULL, IS NOT NULL,
 * booleans), and the sort keys of a sort under a LIMIT that reads that one table. Only the
 * server's own plan text is read here, never a caller's.
 */
final class PlanReader {

    /** One table access of a plan and what an index on it could use. */
    record Access(String schema, String table, String nodeType, double nodeCost, List<String> equality,
                  List<String> range, List<IndexDefinition.Predicate> constant, List<SortKey> sort) {
    }

    /** @param nulls {@code first} or {@code last} when the sort asks for the order its direction does not default to */
    record SortKey(String column, boolean descending, String nulls) {
        SortKey(String column, boolean descending) {
            this(column, descending, null);
        }
    }

    private static final Set<String> SCANS = Set.of("Seq Scan", "Index Scan", "Index Only Scan", "Bitmap Heap Scan");
    private static final Set<String> PASS_THROUGH = Set.of("Gather", "Gather Merge", "Result", "Materialize");
    private static final String COL = "\\(?([A-Za-z_][\\w$]*|\"(?:[^\"]|\"\")+\")\\.([A-Za-z_][\\w$]*|\"(?:[^\"]|\"\")+\")\\)?"
            + "(?:::[\\w .\\[\\]\"()]+?)?";
    private static final Pattern COMPARE = Pattern.compile("^" + COL + "\\s*(=|<>|<=|>=|<|>|~~)\\s*(.+)$");
    private static final Pattern ANY = Pattern.compile("^" + COL + "\\s*=\\s*ANY\\s*\\((.+)\\)$");
    private static final Pattern NULL_TEST = Pattern.compile("^" + COL + "\\s+IS\\s+(NOT\\s+)?NULL$");
    private static final Pattern BOOL = Pattern.compile("^(NOT\\s+)?" + COL + "$");
    private static final Pattern OTHER_COLUMN = Pattern.compile("^" + COL + "$");
    private static final Pattern PARAM = Pattern.compile("^\\(?\\$\\d+\\)?(::[\\w .\\[\\]\"()]+)?$");
    /** An IN list of parameters, as the planner prints it: {@code ARRAY[$1, $2]} (possibly with casts). */
    private static final Pattern PARAM_ARRAY = Pattern.compile("^\\(?ARRAY\\[\\(?\\$\\d+\\)?(::[\\w .\"()]+)?"
            + "(\\s*,\\s*\\(?\\$\\d+\\)?(::[\\w .\"()]+)?)*\\]\\)?(::[\\w .\\[\\]\"()]+)?$");
    private static final Pattern SORT = Pattern.compile("^" + COL + "(\\s+DESC)?(\\s+NULLS\\s+(FIRST|LAST))?$");

    private PlanReader() {
    }

    /** Every table access of the plan, in plan order. */
    static List<Access> read(JsonNode explain) {
        List<Access> out = new ArrayList<>();
        walk(explain.path(0).path("Plan"), false, out);
        return out;
    }

    private static void walk(JsonNode node, boolean underLimit, List<Access> out) {
        if (node == null || node.isMissingNode()) {
            return;
        }
        String type = node.path("Node Type").asText();
        if ("Sort".equals(type) || "Incremental Sort".equals(type)) {
            JsonNode scan = scanBelow(node.path("Plans").path(0));
            if (underLimit && scan != null) {
                Access a = access(scan);
                List<SortKey> keys = sortKeys(node.path("Sort Key"), scan.path("Alias").asText(""));
                if (a != null && keys != null) {
                    out.add(new Access(a.schema(), a.table(), a.nodeType(), a.nodeCost(), a.equality(), a.range(),
                            a.constant(), keys));
                    return; // the scan is read with its sort
                }
            }
        }
        if (SCANS.contains(type)) {
            Access a = access(node);
            if (a != null) {
                out.add(a);
            }
        }
        boolean limit = "Limit".equals(type) || (underLimit && PASS_THROUGH.contains(type));
        for (JsonNode child : node.path("Plans")) {
            walk(child, limit, out);
        }
        // a join's condition names columns of the tables below it: an index on the inner side's could serve it
        for (String key : List.of("Hash Cond", "Merge Cond", "Join Filter")) {
            if (node.hasNonNull(key)) {
                joinColumns(node, node.get(key).asText(), out);
            }
        }
    }

    private static JsonNode scanBelow(JsonNode node) {
        for (int depth = 0; depth < 4 && node != null && !node.isMissingNode(); depth++) {
            String type = node.path("Node Type").asText();
            if (SCANS.contains(type)) {
                return node;
            }
            if (!PASS_THROUGH.contains(type) || node.path("Plans").size() != 1) {
                return null;
            }
            node = node.path("Plans").path(0);
        }
        return null;
    }

    private static Access access(JsonNode scan) {
        if (!scan.hasNonNull("Relation Name")) {
            return null;
        }
        String alias = scan.path("Alias").asText(scan.path("Relation Name").asText());
        List<String> eq = new ArrayList<>();
        List<String> range = new ArrayList<>();
        List<IndexDefinition.Predicate> constant = new ArrayList<>();
        for (String key : List.of("Index Cond", "Recheck Cond", "Filter")) {
            if (scan.hasNonNull(key)) {
                conditions(scan.get(key).asText(), alias, eq, range, constant);
            }
        }
        return new Access(scan.path("Schema").asText("public"), scan.path("Relation Name").asText(),
                scan.path("Node Type").asText(), scan.path("Total Cost").asDouble(), dedupe(eq), dedupe(range),
                dedupe(constant), List.of());
    }

    /** Splits a condition at its top-level ANDs and sorts each term; an OR makes the whole term unusable. */
    static void conditions(String text, String alias, List<String> eq, List<String> range,
                           List<IndexDefinition.Predicate> constant) {
        for (String term : splitAnd(strip(text))) {
            term = strip(term);
            Matcher m;
            if ((m = NULL_TEST.matcher(term)).matches()) {
                if (alias.equals(unquote(m.group(1)))) {
                    constant.add(new IndexDefinition.IsNull(unquote(m.group(2)), m.group(3) != null));
                }
            } else if ((m = ANY.matcher(term)).matches()) {
                String inner = m.group(3).trim();
                if (alias.equals(unquote(m.group(1)))
                        && (PARAM.matcher(inner).matches() || PARAM_ARRAY.matcher(inner).matches())) {
                    eq.add(unquote(m.group(2)));
                }
            } else if ((m = COMPARE.matcher(term)).matches()) {
                if (!alias.equals(unquote(m.group(1)))) {
                    continue;
                }
                String op = m.group(3);
                String rhs = m.group(4).trim();
                boolean param = PARAM.matcher(rhs).matches();
                boolean column = OTHER_COLUMN.matcher(rhs).matches();
                if (!param && !column) {
                    continue; // an expression or a constant the normalization kept: not a key
                }
                if ("=".equals(op)) {
                    eq.add(unquote(m.group(2)));
                } else if (!"<>".equals(op) && !"~~".equals(op) && param) {
                    range.add(unquote(m.group(2)));
                }
            } else if ((m = BOOL.matcher(term)).matches()) {
                if (alias.equals(unquote(m.group(2)))) {
                    constant.add(new IndexDefinition.BoolColumn(unquote(m.group(3)), m.group(1) != null));
                }
            }
        }
    }

    private static void joinColumns(JsonNode join, String cond, List<Access> out) {
        // a join condition a.x = b.y: for each side that is a plain scan of a table below, x (or y) is an equality column
        for (JsonNode child : join.path("Plans")) {
            JsonNode scan = scanBelow(child.path("Node Type").asText().equals("Hash") ? child.path("Plans").path(0) : child);
            if (scan == null || !"Seq Scan".equals(scan.path("Node Type").asText())) {
                continue;
            }
            String alias = scan.path("Alias").asText("");
            List<String> eq = new ArrayList<>();
            for (String term : splitAnd(strip(cond))) {
                Matcher m = COMPARE.matcher(strip(term));
                if (m.matches() && "=".equals(m.group(3))) {
                    Matcher other = OTHER_COLUMN.matcher(m.group(4).trim());
                    if (alias.equals(unquote(m.group(1)))) {
                        eq.add(unquote(m.group(2)));
                    } else if (other.matches() && alias.equals(unquote(other.group(1)))) {
                        eq.add(unquote(other.group(2)));
                    }
                }
            }
            if (!eq.isEmpty()) {
                out.add(new Access(scan.path("Schema").asText("public"), scan.path("Relation Name").asText(),
                        "Join", scan.path("Total Cost").asDouble(), dedupe(eq), List.of(), List.of(), List.of()));
            }
        }
    }

    private static List<SortKey> sortKeys(JsonNode keys, String alias) {
        List<SortKey> out = new ArrayList<>();
        for (JsonNode k : keys) {
            Matcher m = SORT.matcher(strip(k.asText()));
            if (!m.matches() || !alias.equals(unquote(m.group(1)))) {
                return null; // an expression, or another table's column: no index on this one serves it
            }
            boolean desc = m.group(3) != null;
            String nulls = m.group(5) == null ? null : m.group(5).toLowerCase(java.util.Locale.ROOT);
            // the direction's default (DESC: NULLS FIRST, ASC: NULLS LAST) needs no clause in the index
            if (nulls != null && nulls.equals(desc ? "first" : "last")) {
                nulls = null;
            }
            out.add(new SortKey(unquote(m.group(2)), desc, nulls));
        }
        return out.isEmpty() ? null : out;
    }

    /** The top-level AND terms (parentheses respected, quoted text skipped). */
    static List<String> splitAnd(String text) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        int start = 0;
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\'') {
                quoted = !quoted;
            } else if (!quoted && c == '(') {
                depth++;
            } else if (!quoted && c == ')') {
                depth--;
            } else if (!quoted && depth == 0 && text.startsWith(" AND ", i)) {
                out.add(text.substring(start, i));
                start = i + 5;
                i += 4;
            } else if (!quoted && depth == 0 && text.startsWith(" OR ", i)) {
                return List.of(); // a disjunction at the top: no single index key
            }
        }
        out.add(text.substring(start));
        return out;
    }

    /** Removes parentheses around the whole text, as often as they enclose all of it. */
    static String strip(String text) {
        String t = text.trim();
        while (t.startsWith("(") && t.endsWith(")") && enclosing(t)) {
            t = t.substring(1, t.length() - 1).trim();
        }
        return t;
    }

    private static boolean enclosing(String t) {
        int depth = 0;
        boolean quoted = false;
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == '\'') {
                quoted = !quoted;
            } else if (!quoted && c == '(') {
                depth++;
            } else if (!quoted && c == ')') {
                depth--;
                if (depth == 0 && i < t.length() - 1) {
                    return false;
                }
            }
        }
        return depth == 0;
    }

    static String unquote(String identifier) {
        if (identifier.startsWith("\"") && identifier.endsWith("\"") && identifier.length() > 1) {
            return identifier.substring(1, identifier.length() - 1).replace("\"\"", "\"");
        }
        return identifier;
    }

    private static <T> List<T> dedupe(List<T> list) {
        return List.copyOf(new LinkedHashSet<>(list));
    }
}
