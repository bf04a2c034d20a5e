package io.pgsidecar.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * A readable table of JSON rows that fits {@link #WIDTH} columns: each column takes what its
 * values need up to its limit, and the last (free text) column gets the rest, cut with an ellipsis.
 */
final class Table {

    static final int WIDTH = 100;

    /** A column: header, the field (a dotted path) in each row, and its most characters. */
    record Column(String header, String field, int max) {
    }

    private Table() {
    }

    static Column col(String header, String field, int max) {
        return new Column(header, field, max);
    }

    static void print(PrintWriter out, JsonNode rows, List<Column> columns) {
        List<String[]> cells = new ArrayList<>();
        if (rows != null && rows.isArray()) {
            for (JsonNode row : rows) {
                String[] line = new String[columns.size()];
                for (int i = 0; i < columns.size(); i++) {
                    line[i] = text(value(row, columns.get(i).field()));
                }
                cells.add(line);
            }
        }
        int[] widths = new int[columns.size()];
        int used = 0;
        for (int i = 0; i < columns.size(); i++) {
            int w = columns.get(i).header().length();
            for (String[] line : cells) {
                w = Math.max(w, line[i].length());
            }
            widths[i] = Math.min(w, columns.get(i).max());
            used += widths[i] + (i == 0 ? 0 : 2);
        }
        int last = columns.size() - 1;
        if (used > WIDTH) {
            widths[last] = Math.max(columns.get(last).header().length(), widths[last] - (used - WIDTH));
        }
        StringBuilder header = new StringBuilder();
        for (int i = 0; i < columns.size(); i++) {
            header.append(i == 0 ? "" : "  ").append(pad(columns.get(i).header(), widths[i], i == last));
        }
        out.println(header.toString().stripTrailing());
        for (String[] line : cells) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < line.length; i++) {
                b.append(i == 0 ? "" : "  ").append(pad(line[i], widths[i], i == last));
            }
            out.println(b.toString().stripTrailing());
        }
        if (cells.isEmpty()) {
            out.println("(none)");
        }
    }

    /** {@code key: value} lines for the scalar fields of an object, in the given order. */
    static void fields(PrintWriter out, JsonNode object, List<String[]> labelAndField) {
        int w = labelAndField.stream().mapToInt(l -> l[0].length()).max().orElse(0);
        for (String[] l : labelAndField) {
            JsonNode v = value(object, l[1]);
            if (v != null && !v.isMissingNode()) {
                out.println(pad(l[0], w, false) + "  " + cut(text(v), WIDTH - w - 2));
            }
        }
    }

    static JsonNode value(JsonNode row, String field) {
        JsonNode v = row;
        for (String part : field.split("\\.")) {
            v = v == null ? null : v.path(part);
        }
        return v;
    }

    static String text(JsonNode v) {
        if (v == null || v.isMissingNode() || v.isNull()) {
            return "-";
        }
        if (v.isArray()) {
            List<String> parts = new ArrayList<>();
            v.forEach(x -> parts.add(text(x)));
            return String.join(", ", parts);
        }
        if (v.isObject()) {
            List<String> parts = new ArrayList<>();
            v.fields().forEachRemaining(e -> parts.add(e.getKey() + "=" + text(e.getValue())));
            return String.join(" ", parts);
        }
        if (v.isFloatingPointNumber()) {
            double d = v.asDouble();
            return Math.abs(d) >= 100 ? String.format(java.util.Locale.ROOT, "%.0f", d)
                    : String.format(java.util.Locale.ROOT, "%.2f", d);
        }
        return v.asText().replaceAll("\\s+", " ").trim();
    }

    private static String pad(String s, int width, boolean last) {
        String c = cut(s, width);
        return last ? c : c + " ".repeat(Math.max(0, width - c.length()));
    }

    static String cut(String s, int width) {
        return s.length() <= width ? s : width <= 1 ? s.substring(0, Math.max(0, width)) : s.substring(0, width - 1) + "…";
    }
}
