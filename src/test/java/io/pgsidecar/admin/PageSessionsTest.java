package io.pgsidecar.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The status page's cookie: only the admin token makes one, and a changed or expired one is no session. */
class PageSessionsTest {

    static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

    static AdminConfig config(String token) {
        return new AdminConfig() {
            @Override
            public Optional<String> token() {
                return Optional.of(token);
            }

            @Override
            public Optional<String> tokenFile() {
                return Optional.empty();
            }

            @Override
            public int maxBodyBytes() {
                return 65536;
            }

            @Override
            public int maxUriLength() {
                return 4096;
            }

            @Override
            public int maxAuditLimit() {
                return 500;
            }

            @Override
            public StatusPage statusPage() {
                return new StatusPage() {
                    @Override
                    public boolean enabled() {
                        return true;
                    }

                    @Override
                    public Duration sessionTtl() {
                        return Duration.ofHours(1);
                    }
                };
            }
        };
    }

    static PageSessions at(Instant now) {
        AdminConfig c = config("s3cret-token");
        return new PageSessions(new AdminToken(c, false), c, Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void onlyTheAdminTokenLogsIn() {
        PageSessions s = at(NOW);
        assertThat(s.login("wrong")).isEmpty();
        assertThat(s.login(null)).isEmpty();
        String cookie = s.login("s3cret-token").orElseThrow();
        assertThat(cookie).doesNotContain("s3cret");
        PageSessions.Session session = s.verify(cookie).orElseThrow();
        assertThat(session.expires()).isEqualTo(NOW.plus(Duration.ofHours(1)));
        assertThat(session.caller()).isEqualTo(AdminToken.fingerprint("s3cret-token") + " (status page)");
        assertThat(PageSessions.csrfMatches(session, session.csrf())).isTrue();
        assertThat(PageSessions.csrfMatches(session, "forged")).isFalse();
        assertThat(PageSessions.csrfMatches(session, null)).isFalse();
    }

    @Test
    void aChangedExpiredOrForeignCookieIsNoSession() {
        PageSessions s = at(NOW);
        String cookie = s.login("s3cret-token").orElseThrow();
        String payload = cookie.substring(0, cookie.indexOf('.'));
        String signature = cookie.substring(cookie.indexOf('.') + 1);
        String later = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(java.util.Base64.getUrlDecoder().decode(payload)).replaceFirst("^\\d+", "9999999999")
                        .getBytes());
        assertThat(s.verify(later + "." + signature)).as("a later expiry with the old signature").isEmpty();
        assertThat(s.verify(payload + ".x" + signature.substring(1))).isEmpty();
        assertThat(s.verify("garbage")).isEmpty();
        assertThat(s.verify("")).isEmpty();
        assertThat(s.verify(null)).isEmpty();
        assertThat(at(NOW).verify(cookie)).as("another process (a restart) has another key").isEmpty();

        AdminConfig c = config("s3cret-token");
        AdminToken token = new AdminToken(c, false);
        PageSessions now = new PageSessions(token, c, Clock.fixed(NOW, ZoneOffset.UTC));
        String fresh = now.login("s3cret-token").orElseThrow();
        assertThat(now.verify(fresh)).isPresent();
        PageSessions sameKeyLater = now.withClock(Clock.fixed(NOW.plus(Duration.ofMinutes(61)), ZoneOffset.UTC));
        assertThat(sameKeyLater.verify(fresh)).as("expired after the session TTL").isEmpty();
    }
}
