package io.pgsidecar.statements;

import io.pgsidecar.db.ActionRights;
import io.pgsidecar.db.Need;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.util.List;
import java.util.Map;

/** The one action of query monitoring: resetting pg_stat_statements ({@code POST .../performance/reset}). */
@ApplicationScoped
public class StatementsRights implements ActionRights {

    private final StatementsConfig config;

    public StatementsRights(StatementsConfig config) {
        this.config = config;
    }

    @Override
    public String feature() {
        return "statements";
    }

    @Override
    public boolean enabled() {
        return config.enabled();
    }

    @Override
    public Map<String, List<Need>> actions(Connection c) {
        return Map.of("performance/reset", List.of(Need.of(Need.Kind.RESET_STATEMENTS)));
    }
}
