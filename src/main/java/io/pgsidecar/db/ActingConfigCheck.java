package io.pgsidecar.db;

import io.pgsidecar.config.ConfigCheck;
import io.pgsidecar.config.ConfigProblems;
import io.pgsidecar.config.DatabaseUrl;
import jakarta.inject.Singleton;

/** The acting login or role: a URL that parses (shown without its password), a readable password file, a role name. */
@Singleton
public class ActingConfigCheck implements ConfigCheck {

    private final ActingConfig acting;

    public ActingConfigCheck(ActingConfig acting) {
        this.acting = acting;
    }

    @Override
    public void check(ConfigProblems problems) {
        acting.databaseUrl().filter(u -> !u.isBlank()).ifPresent(url -> {
            try {
                DatabaseUrl parsed = DatabaseUrl.parse(url);
                if (parsed.user().isEmpty()) {
                    problems.add("pgsidecar.acting.database-url (PGSIDECAR_ACTING_DATABASE_URL)='"
                            + DatabaseUrl.redact(url) + "': name the acting login (postgresql://user:password@host/db)");
                }
            } catch (IllegalArgumentException e) {
                problems.add("pgsidecar.acting.database-url (PGSIDECAR_ACTING_DATABASE_URL)='" + DatabaseUrl.redact(url)
                        + "': " + e.getMessage());
            }
        });
        acting.passwordFile().filter(f -> !f.isBlank())
                .ifPresent(f -> problems.readableFile("pgsidecar.acting.password-file", f));
        acting.role().filter(r -> !r.isBlank()).ifPresent(r -> problems.roleName("pgsidecar.acting.role", r));
    }
}
