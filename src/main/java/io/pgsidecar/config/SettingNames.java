package io.pgsidecar.config;

import java.util.Locale;

/**
 * The names a user sets a key by, for the hints the agent prints (the status page, API messages,
 * the health report): the legacy environment name where {@link LegacyAliases} has one, otherwise
 * the environment variable SmallRye Config reads for the key ({@code pgsidecar.db.pool.max-size}
 * → {@code PGSIDECAR_DB_POOL_MAX_SIZE}, as the README's configuration table says). A hint built
 * from here cannot name a variable nobody reads; {@code SettingHintsTest} checks the ones written
 * out by hand.
 */
public final class SettingNames {

    private SettingNames() {
    }

    /** The environment variable to set {@code key} with: its alias, else its own form. */
    public static String env(String key) {
        for (LegacyAliases.Alias a : LegacyAliases.ALL) {
            if (a.key().equals(key)) {
                return a.env();
            }
        }
        return envForm(key);
    }

    /** The key as an environment variable: every character but letters and digits an underscore, upper case. */
    public static String envForm(String key) {
        return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }
}
