package io.pgsidecar.admin;

import io.pgsidecar.config.ConfigCheck;
import io.pgsidecar.config.ConfigProblems;
import jakarta.inject.Singleton;

/** The admin API's limits and token file. */
@Singleton
public class AdminConfigCheck implements ConfigCheck {

    private final AdminConfig admin;

    public AdminConfigCheck(AdminConfig admin) {
        this.admin = admin;
    }

    @Override
    public void check(ConfigProblems problems) {
        if (admin.maxBodyBytes() < 1024) {
            problems.add("pgsidecar.admin.max-body-bytes='" + admin.maxBodyBytes() + "': expected at least 1024");
        }
        problems.atLeast("pgsidecar.admin.max-audit-limit", admin.maxAuditLimit(), 1);
        if (admin.maxUriLength() < 256 || admin.maxUriLength() > AdminConfig.HTTP_LINE_LIMIT) {
            problems.add("pgsidecar.admin.max-uri-length='" + admin.maxUriLength() + "': expected 256 to "
                    + AdminConfig.HTTP_LINE_LIMIT);
        }
        if (admin.statusPage().sessionTtl().compareTo(java.time.Duration.ofMinutes(1)) < 0
                || admin.statusPage().sessionTtl().compareTo(java.time.Duration.ofHours(24)) > 0) {
            problems.add("pgsidecar.admin.status-page.session-ttl='" + admin.statusPage().sessionTtl()
                    + "': expected 1m to 24h");
        }
        if (admin.token().filter(t -> !t.isBlank()).isEmpty()) {
            admin.tokenFile().ifPresent(f -> problems.readableFile("pgsidecar.admin.token-file", f));
        }
    }
}
