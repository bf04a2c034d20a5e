package io.pgsidecar.config;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.common.MapBackedConfigSource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Turns the deployment-style settings into the agent's keys, in one place:
 * {@code DATABASE_URL}, the password file, and the {@link LegacyAliases legacy environment names}.
 *
 * <p>Its ordinal (275) puts it above {@code application.properties} and below real environment
 * variables and system properties, so an explicit {@code QUARKUS_DATASOURCE_JDBC_URL} or
 * {@code PGSIDECAR_DB_POOL_MAX_SIZE} still wins over the alias. Values it cannot read are not
 * applied; they are listed under {@link #PROBLEMS_KEY} and {@code ConfigValidator} stops start-up
 * with them.
 */
public final class EnvironmentConfigSourceFactory implements ConfigSourceFactory {

    /** Key under which the problems found here are handed to the start-up validation. */
    public static final String PROBLEMS_KEY = "pgsidecar.internal.config-problems";
    static final int ORDINAL = 275;
    static final Pattern RULE_ENV = Pattern.compile("PGSIDECAR_ALERTS_RULES_([A-Z0-9_]+?)_(ENABLED|FOR|WARNING|CRITICAL)");

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        Map<String, String> props = new HashMap<>();
        List<String> problems = new ArrayList<>();

        for (LegacyAliases.Alias alias : LegacyAliases.ALL) {
            String raw = value(context, alias.env());
            if (raw == null) {
                continue;
            }
            try {
                props.putAll(LegacyAliases.expand(alias, raw));
            } catch (IllegalArgumentException e) {
                problems.add(alias.env() + LegacyAliases.shown(alias, raw) + ": " + e.getMessage());
            }
        }

        // Alert rule overrides from the environment: PGSIDECAR_ALERTS_RULES_SLOWQUERY_ENABLED=false.
        // Rule names are matched without case, '-' or '_' (RuleSettings.normalize in the alerts package), so the upper-case
        // form an environment variable forces still finds the rule.
        for (Iterator<String> it = context.iterateNames(); it.hasNext(); ) {
            Matcher m = RULE_ENV.matcher(it.next());
            if (m.matches()) {
                String raw = value(context, m.group());
                if (raw != null) {
                    props.put("pgsidecar.alerts.rules." + m.group(1).toLowerCase(Locale.ROOT).replace("_", "")
                            + "." + m.group(2).toLowerCase(Locale.ROOT), raw);
                }
            }
        }

        String url = value(context, "DATABASE_URL");
        if (url != null) {
            try {
                DatabaseUrl parsed = DatabaseUrl.parse(url);
                props.put("quarkus.datasource.jdbc.url", parsed.jdbcUrl());
                parsed.user().ifPresent(u -> props.put("quarkus.datasource.username", u));
                parsed.password().ifPresent(p -> props.put("quarkus.datasource.password", p));
            } catch (IllegalArgumentException e) {
                problems.add("DATABASE_URL='" + DatabaseUrl.redact(url) + "': " + e.getMessage());
            }
        }

        String passwordFile = props.getOrDefault("pgsidecar.db.password-file",
                value(context, "pgsidecar.db.password-file"));
        if (passwordFile != null && !passwordFile.isBlank()) {
            try {
                props.put("quarkus.datasource.password", SecretFiles.read(passwordFile));
            } catch (IOException e) {
                problems.add("pgsidecar.db.password-file='" + passwordFile + "': cannot be read ("
                        + e.getClass().getSimpleName() + ")");
            }
        }

        if (!problems.isEmpty()) {
            props.put(PROBLEMS_KEY, String.join("\n", problems));
        }
        return List.of(new MapBackedConfigSource("pgsidecar environment aliases", props, ORDINAL) {
        });
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(ORDINAL);
    }

    private static String value(ConfigSourceContext context, String name) {
        ConfigValue v = context.getValue(name);
        return v == null || v.getValue() == null ? null : v.getValue();
    }
}
