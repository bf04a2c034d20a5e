package io.pgsidecar.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * A readable table of JSON rows that fits {@link #WIDTH} columns: each column takes what its
 * values need up to its limit, and the last (free text) column gets the rest, cut with an ellipsis.
 * Only table cells are cut; key-value lines and notes are wrapped ({@link #line}).
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

    /**
     * {@code key  value} lines for the fields of an object, in the given order. A value too long for
     * the line is wrapped, its continuation indented under the value: a key-value line is read for
     * its whole value (a pool's figures, a leader's instance, a timestamp), so nothing is cut.
     */
    static void fields(PrintWriter out, JsonNode object, List<String[]> labelAndField) {
        int w = labelAndField.stream().mapToInt(l -> l[0].length()).max().orElse(0);
        for (String[] l : labelAndField) {
            JsonNode v = value(object, l[1]);
            if (v != null && !v.isMissingNode()) {
                line(out, pad(l[0], w, false) + "  ", text(v));
            }
        }
    }

    /**
     * One line of {@code label} and {@code value} within {@link #WIDTH} columns, wrapped at spaces
     * (a word longer than the line is broken), each continuation indented under the value.
     */
    static void line(PrintWriter out, String label, String value) {
        for (String l : wrap(label, value, WIDTH)) {
            out.println(l);
        }
    }

    static List<String> wrap(String label, String value, int width) {
        int indent = label.isEmpty() ? 2 : label.length() < width / 2 ? label.length() : 4;
        List<String> lines = new ArrayList<>();
        StringBuilder current = new StringBuilder(label);
        int start = label.length();
        for (String word : value.replaceAll("\\s+", " ").trim().split(" ")) {
            if (word.isEmpty()) {
                continue;
            }
            boolean first = current.length() == start;
            if (!first && current.length() + 1 + word.length() > width) {
                lines.add(current.toString().stripTrailing());
                current = new StringBuilder(" ".repeat(indent));
                start = indent;
                first = true;
            }
            if (!first) {
                current.append(' ');
            }
            current.append(word);
            while (current.length() > width) {
                lines.add(current.substring(0, width));
                String rest = current.substring(width);
                current = new StringBuilder(" ".repeat(indent)).append(rest);
                start = indent;
            }
        }
        lines.add(current.toString().stripTrailing());
        return lines;
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
