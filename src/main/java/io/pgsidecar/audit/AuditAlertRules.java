package io.pgsidecar.audit;

import io.pgsidecar.alerts.AlertRule;
import io.pgsidecar.alerts.AlertRule.Comparison;
import io.pgsidecar.alerts.AlertRule.Observation;
import io.pgsidecar.alerts.AlertRuleProvider;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Alert rules about the audit log: outcomes that wait too long to be stored. */
@ApplicationScoped
public class AuditAlertRules implements AlertRuleProvider {

    private final AuditLog audit;
    private final AuditConfig config;

    public AuditAlertRules(AuditLog audit, AuditConfig config) {
        this.audit = audit;
        this.config = config;
    }

    @Override
    public List<AlertRule> rules() {
        return List.of(new AlertRule("AuditLogBehind", "The oldest admin call outcome waiting to be stored in the "
                + "audit log has waited this long (this agent's backlog; each outcome is retried until stored)",
                "seconds", Comparison.ABOVE, Duration.ZERO, 60.0, 600.0, (now, t) -> behind()));
    }

    private List<Observation> behind() {
        int waiting = audit.pending();
        if (waiting == 0) {
            return List.of();
        }
        double seconds = audit.oldestPending().toMillis() / 1000.0;
        return List.of(Observation.graded(Map.of(), seconds,
                String.format("The audit log is %.0f s behind (%d outcomes waiting)", seconds, waiting),
                "Outcomes of admin calls wait to be stored in the audit log and are retried in order. With "
                        + config.maxPendingOutcomes() + " waiting, changing admin calls are refused. Look for a lock "
                        + "on the audit table or an unreachable database."));
    }
}
