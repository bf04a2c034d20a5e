package io.pgsidecar.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgsidecar.db.ActingConfig;
import io.pgsidecar.db.ActingConfigCheck;
import io.pgsidecar.db.DbConfig;
import io.pgsidecar.db.DbConfigCheck;
import io.pgsidecar.replicas.ReplicasConfig;
import io.pgsidecar.replicas.ReplicasConfigCheck;
import io.pgsidecar.testing.TestConfig;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * No message the configuration parsers write (the start-up refusal, the replica and database checks)
 * carries a password, whatever it holds and however the URL around it is broken. Each generated
 * password has a core of upper-case letters and digits that nothing else in the URL can contain
 * (hosts, users and databases are lower-case), wrapped in the characters that break naive parsing:
 * {@code / @ : % # ? & = ' "}, spaces, backslashes and non-ASCII letters.
 */
class SecretsInMessagesTest {

    /** A password and its core: the part no message may show. */
    record Secret(String password, String core) {
    }

    /** A broken or valid URL holding a secret, and which shape it was generated from. */
    record Case(String url, Secret secret, String shape) {
    }

    @Provide
    Arbitrary<Secret> secrets() {
        Arbitrary<String> core = Arbitraries.strings().withCharRange('A', 'Z').withCharRange('0', '9').ofLength(12)
                .map(s -> "PW" + s);
        Arbitrary<String> noise = Arbitraries.strings().withChars("/@:%#?&='\" \\+;é漢ü$!*()[]{}~,.|<>")
                .withCharRange('a', 'c').ofMinLength(0).ofMaxLength(6);
        return Combinators.combine(noise, core, noise).as((a, c, b) -> new Secret(a + c + b, c));
    }

    @Provide
    Arbitrary<Case> urls() {
        Arbitrary<String> shape = Arbitraries.of("valid", "raw", "bad-port", "no-host", "bad-scheme", "one-slash",
                "no-scheme", "extra-path", "bad-escape", "query-password", "jdbc-password", "space-in-host");
        return Combinators.combine(shape, secrets()).as((s, secret) -> new Case(url(s, secret.password()), secret, s));
    }

    static String url(String shape, String pw) {
        String enc = URLEncoder.encode(pw, StandardCharsets.UTF_8).replace("+", "%20");
        return switch (shape) {
            case "valid" -> "postgresql://app:" + enc + "@db.example:5432/orders?sslmode=require";
            case "raw" -> "postgresql://app:" + pw + "@db.example:5432/orders";
            case "bad-port" -> "postgresql://app:" + pw + "@db.example:port/orders";
            case "no-host" -> "postgresql://app:" + enc + "@:5432/orders";
            case "bad-scheme" -> "mysql://app:" + pw + "@db.example/orders";
            case "one-slash" -> "postgresql:/app:" + pw + "@db.example/orders";
            case "no-scheme" -> "app:" + pw + "@db.example/orders";
            case "extra-path" -> "postgresql://app:" + enc + "@db.example/orders/extra";
            case "bad-escape" -> "postgresql://app:%zz" + pw + "@db.example/orders";
            case "query-password" -> "postgresql://db.example/orders?user=app&password=" + pw + "&sslmode=require";
            case "jdbc-password" -> "jdbc:postgresql://db.example/orders?password=" + pw;
            default -> "postgresql://app:" + enc + "@db example/orders";
        };
    }

    @Property(tries = 400)
    void databaseUrlMessagesNeverShowThePassword(@ForAll("urls") Case c) {
        for (String m : messagesFor(Map.of("DATABASE_URL", c.url()))) {
            assertThat(m).as(c.shape()).doesNotContain(c.secret().core());
        }
        try {
            DatabaseUrl.parse(c.url());
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).as(c.shape()).doesNotContain(c.secret().core());
        }
        assertThat(DatabaseUrl.redact(c.url())).as(c.shape()).doesNotContain(c.secret().core());
        ConfigProblems p = new ConfigProblems();
        new DbConfigCheck(TestConfig.mapping(DbConfig.class, Map.of()), Optional.of(c.url())).check(p);
        // the acting login's URL (PGSIDECAR_ACTING_DATABASE_URL) is checked the same way
        new ActingConfigCheck(TestConfig.mapping(ActingConfig.class, Map.of("pgsidecar.acting.database-url", c.url())))
                .check(p);
        assertThat(p.list()).as(c.shape()).allSatisfy(m -> assertThat(m).doesNotContain(c.secret().core()));
    }

    @Property(tries = 400)
    void replicaListMessagesNeverShowThePassword(@ForAll("urls") Case c, @ForAll("jsonShapes") String json) {
        String escaped = c.url().replace("\\", "\\\\").replace("\"", "\\\"");
        String raw = json.replace("URL", escaped).replace("RAW", c.url());
        Map<String, String> env = new HashMap<>();
        env.put("READ_REPLICAS", raw);
        env.put("DATABASE_URL", "postgresql://app@db.example/orders");
        for (String m : messagesFor(env)) {
            assertThat(m).as(c.shape() + " in " + json).doesNotContain(c.secret().core());
        }
    }

    @Provide
    Arbitrary<String> jsonShapes() {
        return Arbitraries.of(
                "[{\"name\": \"r1\", \"url\": \"URL\"}]",
                "[{\"name\": \"r1\", \"url\": RAW}]",
                "[{\"name\": \"r1\", \"url\": \"URL\"",
                "[{\"name\": \"r1\", \"URL\": 1}]",
                "[{\"name\": \"r1\", \"url\": \"URL\", \"weight\": \"heavy\"}]",
                "[{\"name\": \"r1\", \"url\": \"URL\"}] trailing RAW",
                "{\"name\": \"r1\", \"url\": \"URL\"}",
                "[\"URL\"]");
    }

    @Example
    void theReplicaListIsNotShownAndSaysWhereItBroke() {
        List<String> m = messagesFor(Map.of("READ_REPLICAS", "[{\"name\": \"r1\", \"url\": postgresql://u:PWSECRET@h/db}]",
                "DATABASE_URL", "postgresql://app@db.example/orders"));
        assertThat(m).anySatisfy(s -> assertThat(s).startsWith("READ_REPLICAS (").contains("not shown")
                .contains("not valid JSON at line 1, column"));
        assertThat(String.join("\n", m)).doesNotContain("PWSECRET");
    }

    @Example
    void aPasswordWithAtSignsAndSlashesIsHiddenWhole() {
        assertThat(DatabaseUrl.redact("postgresql://app:p@ss/w:rd#x@db:5432/orders"))
                .isEqualTo("postgresql://app:***@db:5432/orders");
        assertThat(DatabaseUrl.redact("jdbc:postgresql://db/orders?user=app&password=s3cr3t&ssl=true"))
                .isEqualTo("jdbc:postgresql://db/orders?user=app&password=***");
    }

    /**
     * Every problem the start-up would list for this environment: the config source factory's own
     * and those of the checks that read its keys.
     */
    static List<String> messagesFor(Map<String, String> env) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(env, "env", 300))
                .withSources(new EnvironmentConfigSourceFactory())
                .build();
        List<String> out = new ArrayList<>();
        config.getOptionalValue(EnvironmentConfigSourceFactory.PROBLEMS_KEY, String.class)
                .ifPresent(v -> out.addAll(List.of(v.split("\n"))));
        Map<String, String> replicaKeys = new HashMap<>();
        for (String name : config.getPropertyNames()) {
            if (name.startsWith("pgsidecar.replicas.")) {
                config.getOptionalValue(name, String.class).ifPresent(v -> replicaKeys.put(name, v));
            }
        }
        ConfigProblems p = new ConfigProblems();
        try {
            new ReplicasConfigCheck(TestConfig.mapping(ReplicasConfig.class, replicaKeys)).check(p);
        } catch (RuntimeException e) {
            // keys the mapping itself refuses: its message is one more the start-up would print
            out.add(String.valueOf(e.getMessage()));
        }
        new DbConfigCheck(TestConfig.mapping(DbConfig.class, Map.of()),
                config.getOptionalValue("quarkus.datasource.jdbc.url", String.class)).check(p);
        out.addAll(p.list());
        return out.stream().filter(s -> s != null && !s.isEmpty()).collect(Collectors.toList());
    }
}
