package io.pgsidecar.plans;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A generic plan's shape (pure): its nodes with their type, join type, relation and index, in
 * tree order, without costs, row estimates, outputs or conditions, so that a plan re-estimated is
 * the same shape and a different access path or join order is another. The hash names the shape;
 * {@link #difference} says in words what changed from one to the other.
 *
 * @param lines one line per node, indented two spaces per level
 */
public record PlanShape(List<String> lines, String hash) {

    /** How one relation is read: its access path ({@code Index Scan using orders_customer_idx}). */
    record Access(String relation, String path) {
    }

    /** The shape of an EXPLAIN (FORMAT JSON, VERBOSE) answer. */
    static PlanShape of(JsonNode explain) {
        List<String> lines = new ArrayList<>();
        walk(explain.path(0).path("Plan"), 0, lines);
        return new PlanShape(List.copyOf(lines), hash(String.join("\n", lines)));
    }

    private static void walk(JsonNode node, int depth, List<String> out) {
        if (node.isMissingNode() || node.isNull()) {
            return;
        }
        out.add("  ".repeat(depth) + describe(node));
        for (JsonNode child : node.path("Plans")) {
            walk(child, depth + 1, out);
        }
    }

    private static String describe(JsonNode n) {
        StringBuilder b = new StringBuilder(n.path("Node Type").asText("?"));
        if (n.hasNonNull("Join Type")) {
            b.append(" (").append(n.get("Join Type").asText()).append(')');
        }
        if (n.hasNonNull("Index Name")) {
            b.append(" using ").append(n.get("Index Name").asText());
        }
        String rel = relation(n);
        if (rel != null) {
            b.append(" on ").append(rel);
        }
        return b.toString();
    }

    private static String relation(JsonNode n) {
        if (!n.hasNonNull("Relation Name")) {
            return null;
        }
        String name = n.get("Relation Name").asText();
        return n.hasNonNull("Schema") ? n.get("Schema").asText() + "." + name : name;
    }

    static String hash(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Each relation the plan reads and how, in the order the plan reads them. */
    static List<Access> accesses(List<String> lines) {
        List<Access> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).strip();
            int on = l.lastIndexOf(" on ");
            if (on < 0 || !l.contains("Scan")) {
                continue;
            }
            String path = l.substring(0, on);
            String relation = l.substring(on + 4);
            if (path.startsWith("Bitmap Heap Scan") && i + 1 < lines.size()) {
                String next = lines.get(i + 1).strip();
                int using = next.indexOf(" using ");
                if (next.startsWith("Bitmap Index Scan") && using >= 0) {
                    path = "Bitmap Heap Scan" + next.substring(using);
                }
            }
            out.add(new Access(relation, path));
        }
        return out;
    }

    /**
     * What changed from {@code before} to {@code after}, in words: each relation read another way
     * ({@code Index Scan using orders_customer_idx on public.orders → Seq Scan on public.orders}), a
     * relation no longer or newly read, the top node, the join order.
     */
    static List<String> difference(List<String> before, List<String> after) {
        List<String> out = new ArrayList<>();
        if (before.equals(after)) {
            return out;
        }
        Map<String, List<String>> was = byRelation(accesses(before));
        Map<String, List<String>> now = byRelation(accesses(after));
        was.forEach((rel, paths) -> {
            List<String> p = now.get(rel);
            if (p == null) {
                out.add(rel + " is no longer read (" + String.join(", ", paths) + ")");
            } else if (!p.equals(paths)) {
                out.add(String.join(", ", paths) + " on " + rel + " → " + String.join(", ", p) + " on " + rel);
            }
        });
        now.forEach((rel, paths) -> {
            if (!was.containsKey(rel)) {
                out.add(rel + " is now read (" + String.join(", ", paths) + ")");
            }
        });
        String topBefore = before.isEmpty() ? null : before.get(0).strip();
        String topAfter = after.isEmpty() ? null : after.get(0).strip();
        if (!Objects.equals(topBefore, topAfter) && topBefore != null && topAfter != null
                && !topBefore.contains(" on ") && !topAfter.contains(" on ")) {
            out.add(topBefore + " → " + topAfter + " at the top");
        }
        List<String> orderBefore = accesses(before).stream().map(Access::relation).distinct().toList();
        List<String> orderAfter = accesses(after).stream().map(Access::relation).distinct().toList();
        if (orderBefore.size() > 1 && new java.util.HashSet<>(orderBefore).equals(new java.util.HashSet<>(orderAfter))
                && !orderBefore.equals(orderAfter)) {
            out.add("join order " + String.join(", ", orderBefore) + " → " + String.join(", ", orderAfter));
        }
        if (out.isEmpty()) {
            out.add("the plan's nodes changed (see both plans)");
        }
        return out;
    }

    private static Map<String, List<String>> byRelation(List<Access> accesses) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (Access a : accesses) {
            m.computeIfAbsent(a.relation(), x -> new ArrayList<>()).add(a.path());
        }
        return m;
    }
}
