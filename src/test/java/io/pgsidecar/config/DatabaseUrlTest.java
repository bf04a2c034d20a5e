package io.pgsidecar.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class DatabaseUrlTest {

    @Test
    void aUrlOfAnotherSchemeHidesAllItsUserInformation() {
        // "app:" then a password starting with "//": as much user "app" with a password as user "PW..."
        assertThat(DatabaseUrl.redact("app://PWSECRET@db.example/orders")).isEqualTo("app:***@db.example/orders");
        assertThat(DatabaseUrl.redact("mysql://app:PWSECRET@db.example/orders")).doesNotContain("PWSECRET");
        assertThat(DatabaseUrl.redact("postgresql://app@db.example/orders")).isEqualTo("postgresql://app@db.example/orders");
    }

    @Test
    void fullUrlWithDriverParameters() {
        DatabaseUrl u = DatabaseUrl.parse("postgresql://app:p%40ss%3Aw0rd@db.example:6432/orders?sslmode=require");
        assertThat(u.host()).isEqualTo("db.example");
        assertThat(u.port()).isEqualTo(6432);
        assertThat(u.database()).isEqualTo("orders");
        assertThat(u.user()).contains("app");
        assertThat(u.password()).contains("p@ss:w0rd");
        assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:6432/orders?sslmode=require");
    }

    @Test
    void defaultsForPortAndDatabase() {
        DatabaseUrl u = DatabaseUrl.parse("postgres://svc@localhost");
        assertThat(u.port()).isEqualTo(5432);
        assertThat(u.database()).isEqualTo("svc");
        assertThat(u.password()).isEqualTo(Optional.empty());
    }

    @Test
    void ipv6Host() {
        assertThat(DatabaseUrl.parse("postgresql://u:p@[::1]:5433/db").jdbcUrl())
                .isEqualTo("jdbc:postgresql://[::1]:5433/db");
    }

    @Test
    void badUrlsSayWhatIsWrongWithoutThePassword() {
        assertThatThrownBy(() -> DatabaseUrl.parse("mysql://u:p@h/db")).hasMessageContaining("scheme");
        assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://u:secret@h:port/db"))
                .hasMessageContaining("port").hasMessageNotContaining("secret");
        assertThatThrownBy(() -> DatabaseUrl.parse("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> DatabaseUrl.parse("postgresql:///db")).hasMessageContaining("host");
        assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://h/a/b")).hasMessageContaining("single database");
    }

    @Test
    void redactHidesAPasswordThatHoldsWhatLooksLikeASchemeSeparator() {
        // found by SecretsInMessagesTest: a one-slash URL whose password holds "//"; the first "://"
        // is inside the password, so the user name must be looked for after the scheme instead
        assertThat(DatabaseUrl.redact("postgresql:/app://PWsecret@db.example/orders"))
                .isEqualTo("postgresql:/app:***@db.example/orders");
        assertThat(DatabaseUrl.redact("jdbc:postgresql://app:a://b@h/db")).isEqualTo("jdbc:postgresql://app:***@h/db");
        assertThat(DatabaseUrl.redact("app:/PWsecret@h/db")).isEqualTo("app:***@h/db");
    }

    @Test
    void redactHidesThePassword() {
        assertThat(DatabaseUrl.redact("postgresql://app:hunter2@h:5432/db")).isEqualTo("postgresql://app:***@h:5432/db");
        assertThat(DatabaseUrl.redact("postgresql://h:5432/db")).isEqualTo("postgresql://h:5432/db");
    }
}
