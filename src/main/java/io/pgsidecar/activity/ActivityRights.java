package io.pgsidecar.activity;

import io.pgsidecar.db.ActionRights;
import io.pgsidecar.db.Need;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.util.List;
import java.util.Map;

/** Cancel and terminate need the right to signal other roles' sessions; only when signalling is on. */
@ApplicationScoped
public class ActivityRights implements ActionRights {

    private final ActivityConfig config;

    public ActivityRights(ActivityConfig config) {
        this.config = config;
    }

    @Override
    public String feature() {
        return "activity";
    }

    @Override
    public boolean enabled() {
        return config.signalSessions();
    }

    @Override
    public Map<String, List<Need>> actions(Connection c) {
        return Map.of("activity/sessions/cancel", List.of(Need.of(Need.Kind.SIGNAL)),
                "activity/sessions/terminate", List.of(Need.of(Need.Kind.SIGNAL)));
    }
}
