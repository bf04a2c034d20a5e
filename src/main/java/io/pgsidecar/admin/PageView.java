package io.pgsidecar.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * What one status page shows, built from the admin API's own answers (the page is one more reader of
 * the same data): sections of key figures, tables and texts, each cell already formatted with its
 * unit. {@link PageHtml} only lays it out and escapes every text; the one raw part, a sparkline, is
 * drawn here from numbers alone.
 */
public record PageView(String title, String active, String csrf, String message, boolean error,
                       List<Section> sections, boolean silenceForm, boolean taskForm, List<String> tasks) {

    /** A block of the page: figures, a table, a preformatted text or a sparkline, with a note. */
    public record Section(String title, String note, List<Figure> figures, List<String> headers, List<Row> rows,
                          String text, String svg) {
    }

    /** One figure: a label and its formatted value, with a state for its colour (ok, warn, bad, or empty). */
    public record Figure(String label, String value, String state) {
    }

    public record Row(List<Cell> cells) {
    }

    /** A table cell; with {@code href} it is a link, {@code title} shows the full text on hover. */
    public record Cell(String text, String href, String title, String state) {
    }

    /** How a column reads its cell from a JSON row, and how it formats it. */
    public record Column(String header, String field, Format format, Function<JsonNode, String> link) {
    }

    /** The units a value is shown in. */
    public enum Format { TEXT, CUT, NUMBER, MS, SECONDS, BYTES, RATIO, TIME, STATE }

    static final int CUT = 90;

    public static Column col(String header, String field, Format format) {
        return new Column(header, field, format, null);
    }

    public static Column link(String header, String field, Format format, Function<JsonNode, String> href) {
        return new Column(header, field, format, href);
    }

    /** A table section of the rows of a JSON array (or an empty one when it is not). */
    public static Section table(String title, String note, JsonNode rows, List<Column> columns) {
        List<Row> out = new ArrayList<>();
        if (rows != null && rows.isArray()) {
            for (JsonNode r : rows) {
                List<Cell> cells = new ArrayList<>();
                for (Column c : columns) {
                    JsonNode v = value(r, c.field());
                    String text = format(v, c.format());
                    String full = plain(v);
                    cells.add(new Cell(text, c.link() == null ? null : c.link().apply(r),
                            full.length() > text.length() ? full : null, c.format() == Format.STATE ? state(full) : null));
                }
                out.add(new Row(cells));
            }
        }
        return new Section(title, out.isEmpty() ? (note == null ? "none" : note + " None.") : note, List.of(),
                columns.stream().map(Column::header).toList(), out, null, null);
    }

    public static Section figures(String title, String note, List<Figure> figures) {
        return new Section(title, note, figures, List.of(), List.of(), null, null);
    }

    public static Section text(String title, String note, String text) {
        return new Section(title, note, List.of(), List.of(), List.of(), text, null);
    }

    public static Section chart(String title, String note, String svg) {
        return new Section(title, note, List.of(), List.of(), List.of(), null, svg);
    }

    /** A section that could not be read, saying why instead of failing the page. */
    public static Section unavailable(String title, String why) {
        return new Section(title, "unavailable: " + why, List.of(), List.of(), List.of(), null, null);
    }

    public static Figure figure(String label, JsonNode object, String field, Format format) {
        JsonNode v = value(object, field);
        return new Figure(label, format(v, format), format == Format.STATE ? state(plain(v)) : null);
    }

    public static Figure figure(String label, String value, String state) {
        return new Figure(label, value, state);
    }

    /** A dotted path in a JSON object ({@code agent_pool.max_used}). */
    static JsonNode value(JsonNode row, String field) {
        JsonNode v = row;
        for (String part : field.split("\\.")) {
            v = v == null ? null : v.get(part);
        }
        return v;
    }

    static String plain(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return "";
        }
        if (v.isArray()) {
            List<String> parts = new ArrayList<>();
            v.forEach(e -> parts.add(e.isValueNode() ? e.asText() : e.toString()));
            return String.join(", ", parts);
        }
        return v.isValueNode() ? v.asText() : v.toString();
    }

    static String format(JsonNode v, Format f) {
        String plain = plain(v);
        if (plain.isEmpty()) {
            return "–";
        }
        if (!v.isNumber() && f != Format.TIME && f != Format.CUT && f != Format.TEXT && f != Format.STATE) {
            return cut(plain);
        }
        return switch (f) {
            case TEXT, STATE -> plain;
            case CUT -> cut(plain);
            case NUMBER -> number(v.asDouble());
            case MS -> millis(v.asDouble());
            case SECONDS -> seconds(v.asDouble());
            case BYTES -> bytes(v.asDouble());
            case RATIO -> String.format(Locale.ROOT, "%.1f %%", v.asDouble() * 100);
            case TIME -> time(plain, Instant.now());
        };
    }

    static String cut(String s) {
        String one = s.replaceAll("\\s+", " ").strip();
        return one.length() <= CUT ? one : one.substring(0, CUT - 1) + "…";
    }

    static String number(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return String.format(Locale.ROOT, "%,d", (long) d);
        }
        return String.format(Locale.ROOT, Math.abs(d) >= 100 ? "%,.0f" : "%.2f", d);
    }

    static String millis(double ms) {
        return ms >= 10_000 ? seconds(ms / 1000) : String.format(Locale.ROOT, ms >= 100 ? "%,.0f ms" : "%.2f ms", ms);
    }

    static String seconds(double s) {
        if (s >= 86_400) {
            return String.format(Locale.ROOT, "%.1f d", s / 86_400);
        }
        if (s >= 3_600) {
            return String.format(Locale.ROOT, "%.1f h", s / 3_600);
        }
        if (s >= 120) {
            return String.format(Locale.ROOT, "%.1f min", s / 60);
        }
        return String.format(Locale.ROOT, s >= 10 ? "%.0f s" : "%.2f s", s);
    }

    static String bytes(double b) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        int i = 0;
        while (Math.abs(b) >= 1024 && i < units.length - 1) {
            b /= 1024;
            i++;
        }
        return String.format(Locale.ROOT, i == 0 ? "%.0f %s" : "%.1f %s", b, units[i]);
    }

    /** A time both ways: "3 min ago (2026-11-30 21:40:51 UTC)". */
    static String time(String iso, Instant now) {
        Instant t;
        try {
            t = Instant.parse(iso);
        } catch (DateTimeParseException e) {
            return iso;
        }
        Duration d = Duration.between(t, now);
        String rel = d.isNegative() ? "in " + seconds(-d.toMillis() / 1000.0) : seconds(d.toMillis() / 1000.0) + " ago";
        return rel + " (" + iso.replace('T', ' ').replaceAll("\\.\\d+", "").replace("Z", " UTC") + ")";
    }

    /** The colour of a state word. */
    static String state(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "healthy", "ok", "true", "success", "valid", "resolved" -> "ok";
            case "degraded", "warning", "pending", "partial", "skipped", "running", "queued" -> "warn";
            case "unhealthy", "critical", "firing", "failed", "false", "error", "interrupted" -> "bad";
            default -> null;
        };
    }

    /**
     * A plan's nodes as an indented tree, each node as EXPLAIN's text form names it: the index a
     * scan uses ({@code Index Scan using demo_orders_pkey on demo_orders}, {@code Bitmap Index Scan on
     * demo_orders_pkey}), the operation of a ModifyTable ({@code Insert on demo_orders}), then its
     * cost and estimated rows.
     */
    static String planTree(JsonNode nodes) {
        StringBuilder tree = new StringBuilder();
        nodes.forEach(node -> tree.append("  ".repeat(Math.max(0, node.path("depth").asInt())))
                .append(planNode(node)).append("  (cost ").append(node.path("total_cost").asText())
                .append(", rows ").append(node.path("plan_rows").asText()).append(")\n"));
        return tree.toString();
    }

    /** One plan node's name as EXPLAIN's text form writes it. */
    static String planNode(JsonNode node) {
        String type = node.path("node_type").asText();
        String operation = node.hasNonNull("operation") ? node.path("operation").asText() : null;
        String relation = node.hasNonNull("relation") ? node.path("relation").asText() : null;
        String index = node.hasNonNull("index_name") ? node.path("index_name").asText() : null;
        StringBuilder b = new StringBuilder("ModifyTable".equals(type) && operation != null ? operation : type);
        if (index != null && relation != null) {
            b.append(" using ").append(index).append(" on ").append(relation);
        } else if (index != null) {
            b.append(" on ").append(index);
        } else if (relation != null) {
            b.append(" on ").append(relation);
        }
        return b.toString();
    }

    /**
     * A sparkline of {@code values} (oldest first) as inline SVG: a polyline whose height is measured
     * from zero, so that its slope is as large as the change is relative to the value (a mean time
     * that went from 0.0201 to 0.0203 ms is a flat line, not a cliff). Only values below zero, which
     * times and counts never are, move the baseline down. Made from numbers only, so it is safe to
     * insert unescaped.
     */
    static String sparkline(List<Double> values, String label) {
        return sparkline(values, label, List.of());
    }

    /** The same with a vertical line at each of {@code marks} (indexes into {@code values}). */
    static String sparkline(List<Double> values, String label, List<Integer> marks) {
        int w = 240;
        int h = 40;
        if (values.size() < 2) {
            return null;
        }
        double min = Math.min(0, values.stream().mapToDouble(Double::doubleValue).min().orElse(0));
        double max = Math.max(0, values.stream().mapToDouble(Double::doubleValue).max().orElse(0));
        double span = max - min == 0 ? 1 : max - min;
        StringBuilder points = new StringBuilder();
        for (int i = 0; i < values.size(); i++) {
            double x = 2 + (w - 4) * i / (double) (values.size() - 1);
            double y = h - 2 - (h - 4) * (values.get(i) - min) / span;
            points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
        }
        String safeLabel = label.replaceAll("[^\\p{Alnum} .,:()%/-]", "");
        StringBuilder lines = new StringBuilder();
        for (int m : marks) {
            if (m >= 0 && m < values.size()) {
                double x = 2 + (w - 4) * m / (double) (values.size() - 1);
                lines.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"0\" x2=\"%.1f\" y2=\"%d\" "
                        + "stroke=\"#c62828\" stroke-dasharray=\"2,2\"><title>plan changed</title></line>", x, x, h));
            }
        }
        return "<svg class=\"spark\" width=\"" + w + "\" height=\"" + h + "\" viewBox=\"0 0 " + w + " " + h
                + "\" role=\"img\" aria-label=\"" + safeLabel + "\"><title>" + safeLabel + "</title>" + lines
                + "<polyline fill=\"none\" stroke=\"currentColor\" stroke-width=\"1.5\" points=\"" + points.toString().trim()
                + "\"/></svg>";
    }

    /** Fill colours of the wait classes, in the order of {@code classes}; the same class keeps its colour. */
    private static final List<String> PALETTE = List.of("#2e7d32", "#c62828", "#ef6c00", "#1565c0", "#6a1b9a",
            "#8d6e63", "#00838f", "#f9a825", "#9e9e9e", "#ad1457", "#5d4037", "#607d8b");

    /**
     * A stacked column chart of average sessions per class over time, as inline SVG with its legend:
     * one column per bucket (oldest left), one block per class. Made from numbers and class names
     * reduced to letters, so it is safe to insert unescaped.
     *
     * @param classes the classes in stacking order
     * @param buckets per bucket, average sessions per class
     */
    static String stackedChart(List<String> classes, List<java.util.Map<String, Double>> buckets, String label) {
        if (buckets.isEmpty()) {
            return null;
        }
        int w = 720;
        int h = 160;
        int legend = 18;
        double max = 0;
        for (java.util.Map<String, Double> b : buckets) {
            max = Math.max(max, b.values().stream().mapToDouble(Double::doubleValue).sum());
        }
        double top = max <= 0 ? 1 : max;
        double colW = (w - 4) / (double) buckets.size();
        StringBuilder svg = new StringBuilder();
        String safeLabel = label.replaceAll("[^\\p{Alnum} .,:()%/-]", "");
        svg.append("<svg class=\"stack\" width=\"").append(w).append("\" height=\"").append(h + legend)
                .append("\" viewBox=\"0 0 ").append(w).append(' ').append(h + legend)
                .append("\" role=\"img\" aria-label=\"").append(safeLabel).append("\"><title>").append(safeLabel)
                .append("</title>");
        for (int i = 0; i < buckets.size(); i++) {
            double y = h - 2;
            for (int c = 0; c < classes.size(); c++) {
                Double v = buckets.get(i).get(classes.get(c));
                if (v == null || v <= 0) {
                    continue;
                }
                double bh = (h - 4) * v / top;
                y -= bh;
                svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                        + "fill=\"%s\"><title>%s %.2f</title></rect>", 2 + i * colW, y, Math.max(0.5, colW - 0.5), bh,
                        PALETTE.get(c % PALETTE.size()), letters(classes.get(c)), v));
            }
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"4\" y=\"12\" font-size=\"10\">%.2f sessions</text>", top));
        double x = 4;
        for (int c = 0; c < classes.size(); c++) {
            String name = letters(classes.get(c));
            svg.append(String.format(Locale.ROOT, "<rect x=\"%.0f\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>"
                    + "<text x=\"%.0f\" y=\"%d\" font-size=\"10\">%s</text>", x, h + 5, PALETTE.get(c % PALETTE.size()),
                    x + 13, h + 14, name));
            x += 18 + name.length() * 6.2;
        }
        return svg.append("</svg>").toString();
    }

    private static String letters(String s) {
        return s == null ? "" : s.replaceAll("[^A-Za-z]", "");
    }
}
