package io.pgsidecar.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LegacyAliasesTest {

    static LegacyAliases.Alias alias(String env) {
        return LegacyAliases.ALL.stream().filter(a -> a.env().equals(env)).findFirst().orElseThrow();
    }

    @Test
    void secondsBecomeDurations() {
        assertThat(Duration.parse(LegacyAliases.convert(alias("DB_POOL_TIMEOUT"), "5"))).hasSeconds(5);
        assertThat(Duration.parse(LegacyAliases.convert(alias("DB_POOL_TIMEOUT"), "0.25")))
                .isEqualTo(Duration.ofMillis(250));
        assertThat(Duration.parse(LegacyAliases.convert(alias("DB_POOL_RECYCLE"), "1800"))).hasMinutes(30);
    }

    @Test
    void badValuesAreRejectedWithWhatWasExpected() {
        assertThatThrownBy(() -> LegacyAliases.convert(alias("DB_POOL_SIZE"), "abc")).hasMessageContaining("whole number");
        assertThatThrownBy(() -> LegacyAliases.convert(alias("DB_POOL_SIZE"), "0")).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> LegacyAliases.convert(alias("DB_POOL_TIMEOUT"), "-1")).hasMessageContaining("at least 0");
        assertThatThrownBy(() -> LegacyAliases.convert(alias("DB_POOL_PRE_PING"), "maybe")).hasMessageContaining("true or false");
    }

    @Test
    void booleansAcceptTheUsualSpellings() {
        assertThat(LegacyAliases.convert(alias("DB_POOL_PRE_PING"), "yes")).isEqualTo("true");
        assertThat(LegacyAliases.convert(alias("DB_POOL_PRE_PING"), "0")).isEqualTo("false");
        assertThat(LegacyAliases.convert(alias("DB_POOL_PRE_PING"), " TRUE ")).isEqualTo("true");
    }

    @Test
    void eachAliasAndKeyAppearsOnce() {
        Set<String> envs = new HashSet<>();
        Set<String> keys = new HashSet<>();
        for (LegacyAliases.Alias a : LegacyAliases.ALL) {
            assertThat(envs.add(a.env())).as(a.env()).isTrue();
            assertThat(keys.add(a.key())).as(a.key()).isTrue();
            assertThat(a.key()).startsWith("pgsidecar.");
        }
    }
}
