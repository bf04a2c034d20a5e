package io.pgsidecar.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.config.ConfigMapping;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every setting a text of the agent names (the status page, API messages and descriptions, the
 * CLI, the health report, configuration errors) is one the configuration reads: an environment
 * variable is a legacy alias ({@link LegacyAliases}), a key's own form ({@link SettingNames#envForm})
 * or a name of the README's configuration table; a key is one of the {@code @ConfigMapping}
 * interfaces' or the table's. The texts are the string literals of {@code src/main/java}, SQL
 * (which starts with {@code /* pgsidecar *}{@code /}) aside. A literal that is one bare name is
 * code looking something up (a column header, a meter's name); it is checked only where it lies
 * in a mapping's namespace, and a meter's name there must be one the README lists.
 */
class SettingHintsTest {

    /** An environment variable's shape: upper case words joined by underscores. */
    private static final Pattern ENV = Pattern.compile("(?<![A-Za-z0-9_.$])[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+(?![A-Za-z0-9_])");
    /** A key's shape. */
    private static final Pattern KEY = Pattern.compile("(?<![A-Za-z0-9_.])(?:pgsidecar|quarkus)\\.[a-z0-9][a-z0-9.-]*[a-z0-9](?![A-Za-z0-9_])");
    /** A literal that is one bare name: a column header, a meter's or a property's name looked up by code. */
    private static final Pattern BARE = Pattern.compile("[A-Za-z0-9_.-]+");

    /** Upper-case words in texts that are not settings, and why. */
    private static final Map<String, String> NOT_SETTINGS = Map.of(
            "GENERIC_PLAN", "an EXPLAIN option");
    /** Dotted names in texts that are not settings, and why. */
    private static final Map<String, String> NOT_KEYS = Map.of(
            "pgsidecar.css", "the status page's stylesheet",
            "pgsidecar.audit-intent", "a request's attribute (AdminFilters)",
            "pgsidecar.audit-refused", "a request's attribute (AdminFilters)",
            "pgsidecar.caller", "a request's attribute (AdminFilters)",
            "pgsidecar.started", "a request's attribute (AdminFilters)",
            "pgsidecar.internal.config-problems", "the problems the config source hands to the validator",
            "pgsidecar.dev", "the embedded run's own keys, set by DevDatabaseConfigSourceFactory");

    @Test
    void everySettingATextNamesIsOneTheConfigurationReads() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        Set<String> keys = knownKeys(readme);
        Set<String> envs = knownEnvs(readme, keys);
        List<String> namespaces = new ArrayList<>(List.of("quarkus"));
        ReadmeConfigTableTest.MAPPINGS.forEach(m -> namespaces.add(m.getAnnotation(ConfigMapping.class).prefix()));
        List<String> wrong = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                for (String text : literals(Files.readString(f))) {
                    if (text.contains("/* pgsidecar */")) {
                        continue;
                    }
                    if (!BARE.matcher(text).matches()) {
                        Matcher env = ENV.matcher(text);
                        while (env.find()) {
                            if (!envs.contains(env.group()) && !NOT_SETTINGS.containsKey(env.group())) {
                                wrong.add(f.getFileName() + ": " + env.group() + " in \"" + text.strip() + "\"");
                            }
                        }
                    }
                    Matcher key = KEY.matcher(text);
                    while (key.find()) {
                        // a bare dotted name outside the configuration's namespaces is a meter's or an attribute's
                        boolean setting = namespaces.stream().anyMatch(n -> key.group().startsWith(n + "."))
                                || !BARE.matcher(text).matches();
                        if (setting && !isKnownKey(key.group(), keys, readme)) {
                            wrong.add(f.getFileName() + ": " + key.group() + " in \"" + text.strip() + "\"");
                        }
                    }
                }
            }
        }
        assertThat(wrong).as("settings named in texts that the configuration does not read").isEmpty();
    }

    /** The old hint of the maintenance page named a variable nobody reads; the derived one is the alias. */
    @Test
    void theNamesAHintIsBuiltFromAreTheConfigurationsOwn() {
        assertThat(SettingNames.env("pgsidecar.maintenance.enabled")).isEqualTo("DB_MAINTENANCE_ENABLED");
        assertThat(SettingNames.env("pgsidecar.partitions.enabled")).isEqualTo("PARTITIONING_ENABLED");
        assertThat(SettingNames.env("pgsidecar.admin.status-page.enabled")).isEqualTo("PGSIDECAR_ADMIN_STATUS_PAGE_ENABLED");
        assertThat(SettingNames.envForm("pgsidecar.db.pool.max-size")).isEqualTo("PGSIDECAR_DB_POOL_MAX_SIZE");
    }

    /** A name the configuration reads, a group or map of such names, or one of the agent's meters. */
    private static boolean isKnownKey(String name, Set<String> keys, String readme) {
        if (keys.contains(name) || keys.stream().anyMatch(k -> k.startsWith(name + "."))) {
            return true;
        }
        if (NOT_KEYS.keySet().stream().anyMatch(n -> name.equals(n) || name.startsWith(n + "."))) {
            return true;
        }
        // a meter's name, which the README lists as exported: pgsidecar.pool.leaks → `pgsidecar_pool_leaks_total`
        return name.startsWith("pgsidecar.") && !name.contains("-") && readme.contains("`" + name.replace('.', '_'));
    }

    static Set<String> knownKeys(String readme) {
        Set<String> keys = new TreeSet<>();
        for (Class<?> mapping : ReadmeConfigTableTest.MAPPINGS) {
            keys.addAll(ReadmeConfigTableTest.keys(mapping.getAnnotation(ConfigMapping.class).prefix(), mapping));
        }
        for (LegacyAliases.Alias a : LegacyAliases.ALL) {
            keys.add(a.key());
        }
        // the configuration table's key column (its first), which also holds the Quarkus keys the agent reads
        Matcher row = Pattern.compile("(?m)^\\| ([^|]*)\\|").matcher(readme);
        while (row.find()) {
            Matcher k = Pattern.compile("`((?:pgsidecar|quarkus)\\.[^`]+)`").matcher(row.group(1));
            while (k.find()) {
                keys.add(k.group(1));
            }
        }
        return keys;
    }

    static Set<String> knownEnvs(String readme, Set<String> keys) {
        Set<String> envs = new TreeSet<>();
        for (LegacyAliases.Alias a : LegacyAliases.ALL) {
            envs.add(a.env());
        }
        for (String k : keys) {
            envs.add(SettingNames.envForm(k));
        }
        // the configuration table's env / alias column (its second): DATABASE_URL and the like
        Matcher row = Pattern.compile("(?m)^\\|[^|]*\\|([^|]*)\\|").matcher(readme);
        while (row.find()) {
            Matcher e = Pattern.compile("`([A-Z][A-Z0-9_]*)`").matcher(row.group(1));
            while (e.find()) {
                envs.add(e.group(1));
            }
        }
        return envs;
    }

    /** The string literals (text blocks too) of a Java source, comments and character literals skipped. */
    static List<String> literals(String src) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = src.length();
        while (i < n) {
            if (src.startsWith("//", i)) {
                int e = src.indexOf('\n', i);
                i = e < 0 ? n : e;
            } else if (src.startsWith("/*", i)) {
                i = src.indexOf("*/", i + 2) + 2;
            } else if (src.startsWith("\"\"\"", i)) {
                int e = src.indexOf("\"\"\"", i + 3);
                while (src.charAt(e - 1) == '\\') {
                    e = src.indexOf("\"\"\"", e + 1);
                }
                out.add(src.substring(i + 3, e));
                i = e + 3;
            } else if (src.charAt(i) == '"' || src.charAt(i) == '\'') {
                char quote = src.charAt(i);
                int j = i + 1;
                while (src.charAt(j) != quote) {
                    j += src.charAt(j) == '\\' ? 2 : 1;
                }
                if (quote == '"') {
                    out.add(src.substring(i + 1, j));
                }
                i = j + 1;
            } else {
                i++;
            }
        }
        return out;
    }
}
