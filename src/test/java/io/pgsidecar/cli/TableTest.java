package io.pgsidecar.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Key-value lines and notes are wrapped whole within 100 columns; only table cells are cut. */
class TableTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The health report's pool and leader lines as the agent answers them, longer than a line. */
    @Test
    void keyValueLinesWrapUnderTheValueAndLoseNothing() throws Exception {
        JsonNode health = JSON.readTree("""
                {"status":"healthy","checked_at":"2026-11-30T20:28:50.017956417Z",
                 "pool":{"max":3,"active":1,"idle":2,"awaiting":0,"acquire_max_seconds":0.004,"leaks_total":0,
                         "created_total":17,"destroyed_total":14,"flush_total":0,"reap_total":3},
                 "leader":{"is_leader":true,"instance":"orders-7d9f8c6b5-x2k4q-pgsidecar-with-a-long-pod-name",
                           "since":"2026-11-30T20:20:01.123456789Z","lease_seconds":15}}
                """);
        String out = print(w -> Table.fields(w, health, List.of(new String[] {"status", "status"},
                new String[] {"checked_at", "checked_at"}, new String[] {"pool", "pool"}, new String[] {"leader", "leader"})));
        List<String> lines = out.lines().toList();
        assertThat(lines).allSatisfy(l -> assertThat(l.length()).as(l).isLessThanOrEqualTo(Table.WIDTH));
        assertThat(out).doesNotContain("…");
        int valueColumn = "checked_at  ".length();
        String pool = Table.text(health.path("pool"));
        String leader = Table.text(health.path("leader"));
        assertThat(pool.length() + valueColumn).as("the pool line needs wrapping").isGreaterThan(Table.WIDTH);
        assertThat(rejoin(lines, "pool", valueColumn)).isEqualTo(pool);
        assertThat(rejoin(lines, "leader", valueColumn)).isEqualTo(leader);
        assertThat(out).contains("checked_at  2026-11-30T20:28:50.017956417Z");
    }

    @Test
    void aNoteWrapsUnderItsTextAndALongWordIsBrokenNotDropped() {
        String note = "HypoPG is not installed, so no candidate was validated: install the hypopg extension "
                + "(CREATE EXTENSION hypopg) to have each recommendation proved by the planner before it is built; "
                + "/a/very/long/path/" + "x".repeat(120);
        String out = print(w -> Table.line(w, "note: ", note));
        List<String> lines = out.lines().toList();
        assertThat(lines).hasSizeGreaterThan(2)
                .allSatisfy(l -> assertThat(l.length()).as(l).isLessThanOrEqualTo(Table.WIDTH));
        assertThat(lines.get(0)).startsWith("note: HypoPG");
        assertThat(lines.subList(1, lines.size())).allSatisfy(l -> assertThat(l).startsWith("      ").doesNotStartWith("       "));
        StringBuilder joined = new StringBuilder();
        for (String l : lines) {
            joined.append(l.substring("note: ".length()));
        }
        assertThat(joined.toString().replace(" ", "")).isEqualTo(note.replace(" ", ""));
    }

    @Test
    void tableCellsAreStillCutToFit() throws Exception {
        JsonNode rows = JSON.readTree("[{\"id\":\"1\",\"query\":\"SELECT " + "a, ".repeat(60) + "b FROM t\"}]");
        String out = print(w -> Table.print(w, rows, List.of(Table.col("ID", "id", 4), Table.col("QUERY", "query", 100))));
        assertThat(out.lines().toList()).hasSize(2)
                .allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(Table.WIDTH));
        assertThat(out).contains("…");
    }

    /** The value of a key-value line, its continuation lines joined back with single spaces. */
    private static String rejoin(List<String> lines, String key, int valueColumn) {
        int i = 0;
        while (!lines.get(i).startsWith(key + " ")) {
            i++;
        }
        StringBuilder v = new StringBuilder(lines.get(i).substring(valueColumn));
        for (i++; i < lines.size() && lines.get(i).startsWith(" ".repeat(valueColumn)); i++) {
            assertThat(lines.get(i).charAt(valueColumn)).as("continuation indented under the value").isNotEqualTo(' ');
            v.append(' ').append(lines.get(i).substring(valueColumn));
        }
        return v.toString();
    }

    private static String print(java.util.function.Consumer<PrintWriter> body) {
        StringWriter s = new StringWriter();
        try (PrintWriter w = new PrintWriter(s)) {
            body.accept(w);
        }
        return s.toString();
    }
}
