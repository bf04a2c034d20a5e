package io.pgsidecar.db;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * The agent's own migrations, {@code db/migration/V<n>__<description>.sql}, as the start-up check
 * reads them: the version, description and checksum Flyway computes and records for each, so one
 * query on the history table tells, without building Flyway, whether Flyway would find anything to
 * do or to refuse.
 */
final class Migrations {

    /** Where the files are (a classpath directory, also a native-image resource include). */
    static final String LOCATION = "db/migration";
    /**
     * Every migration, in order. A release only ever appends to this list and never edits a file
     * that has shipped (its checksum is in every database it ran on); MigrationFilesTest keeps the
     * list equal to the directory.
     */
    static final List<String> FILES = List.of(
            "V1__audit_log.sql",
            "V2__statement_history.sql",
            "V3__snapshots.sql",
            "V4__alerts.sql",
            "V5__maintenance.sql",
            "V6__partitions.sql",
            "V7__index_builds.sql",
            "V8__plan_history.sql");
    /**
     * Stands for the agent's schema in the files: Flyway's own placeholder, the only one the files
     * may use (no other is configured).
     */
    static final String SCHEMA_PLACEHOLDER = "${flyway:defaultSchema}";

    private static final Pattern NAME = Pattern.compile("V(\\d+)__(.+)\\.sql");

    /** One migration as its history row records it, with its text. */
    record Migration(int version, String description, String script, int checksum, String sql) {
    }

    private Migrations() {
    }

    /** The migrations shipped with this agent, read from the classpath. */
    static List<Migration> bundled() {
        List<Migration> out = new ArrayList<>(FILES.size());
        ClassLoader loader = Migrations.class.getClassLoader();
        for (String file : FILES) {
            String path = LOCATION + "/" + file;
            try (InputStream in = loader.getResourceAsStream(path)) {
                if (in == null) {
                    throw new IllegalStateException("migration " + path + " is missing from the build");
                }
                out.add(parse(path, new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read migration " + path, e);
            }
        }
        return out;
    }

    /** A migration from its path ({@code db/migration/V3__snapshots.sql}) and its text. */
    static Migration parse(String path, String text) {
        String file = path.substring(path.lastIndexOf('/') + 1);
        Matcher m = NAME.matcher(file);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a migration file name: " + file);
        }
        return new Migration(Integer.parseInt(m.group(1)), m.group(2).replace('_', ' '), path,
                checksum(text), text);
    }

    /**
     * Flyway's checksum: CRC-32 over the UTF-8 bytes of each line without its line break (and
     * without a byte-order mark), so line endings do not count.
     */
    static int checksum(String text) {
        CRC32 crc = new CRC32();
        try (BufferedReader r = new BufferedReader(new java.io.StringReader(text))) {
            String line = r.readLine();
            if (line != null && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            for (; line != null; line = r.readLine()) {
                crc.update(line.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return (int) crc.getValue();
    }
}
