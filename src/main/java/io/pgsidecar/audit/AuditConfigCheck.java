package io.pgsidecar.audit;

import io.pgsidecar.config.ConfigCheck;
import io.pgsidecar.config.ConfigProblems;
import jakarta.inject.Singleton;

/** The audit log's retention. */
@Singleton
public class AuditConfigCheck implements ConfigCheck {

    private final AuditConfig audit;

    public AuditConfigCheck(AuditConfig audit) {
        this.audit = audit;
    }

    @Override
    public void check(ConfigProblems problems) {
        problems.positive("pgsidecar.audit.retention", audit.retention());
        problems.positive("pgsidecar.audit.intent-timeout", audit.intentTimeout());
        problems.atLeast("pgsidecar.audit.max-pending-outcomes", audit.maxPendingOutcomes(), 1);
    }
}
