package io.pgsidecar.activity;

import io.pgsidecar.activity.BlockingSnapshot.Chain;
import io.pgsidecar.activity.BlockingSnapshot.Node;
import io.pgsidecar.alerts.AlertRule;
import io.pgsidecar.alerts.AlertRule.Comparison;
import io.pgsidecar.alerts.AlertRule.Observation;
import io.pgsidecar.alerts.AlertRuleProvider;
import io.pgsidecar.alerts.AlertTexts;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code BlockingChain}: a root blocker keeps sessions waiting. The value is how many wait on it
 * (directly or behind another waiter); the rule's {@code for} is how long it must keep at least
 * that many waiting. Defaults: 1 session for 1 minute (warning), 5 sessions for 1 minute
 * (critical). A minute is far beyond PostgreSQL's own deadlock_timeout (1 s) and past any web
 * request's timeout, so a chain that old is stuck, not busy; five waiters is when a pool starts to
 * run dry.
 */
@ApplicationScoped
public class ActivityAlertRules implements AlertRuleProvider {

    private final ActivitySampler sampler;

    public ActivityAlertRules(ActivitySampler sampler) {
        this.sampler = sampler;
    }

    @Override
    public List<AlertRule> rules() {
        return List.of(new AlertRule("BlockingChain", "Sessions waiting on one root blocker (a session holding a "
                + "lock that waits on no lock itself), directly or behind another waiter", "sessions",
                Comparison.AT_LEAST, Duration.ofMinutes(1), 1.0, 5.0, (now, t) -> chains()));
    }

    private List<Observation> chains() {
        if (!sampler.config().enabled()) {
            return List.of();
        }
        BlockingSnapshot b = sampler.blocking();
        if (b.capturedAt() == null) {
            return null;
        }
        List<Observation> out = new ArrayList<>();
        for (Chain c : b.chains()) {
            Node r = c.root();
            String app = r.applicationName() == null || r.applicationName().isEmpty() ? "(none)" : r.applicationName();
            out.add(Observation.graded(Map.of("blocker_pid", Integer.toString(c.rootPid()), "application_name", app),
                    c.waiting(), String.format("Session %d of %s keeps %d session(s) waiting on its locks%s", c.rootPid(),
                            app, c.waiting(), c.longestWaitSeconds() == null ? ""
                                    : String.format(" (the longest for %.0f s)", c.longestWaitSeconds())),
                    "Root blocker pid " + c.rootPid() + " (user " + r.user() + ", client "
                            + Objects.toString(r.clientAddress(), "local") + ", " + r.state()
                            + (r.transactionAgeSeconds() == null ? "" : String.format(", transaction open %.0f s",
                            r.transactionAgeSeconds())) + ") holds " + String.join(", ", r.holds())
                            + ". Its last statement: " + AlertTexts.clip(r.query())
                            + ". See GET /api/v1/admin/database/activity/blocking; to end it: POST "
                            + ".../activity/sessions/" + c.rootPid() + "/terminate (dry_run first)."));
        }
        return out;
    }
}
