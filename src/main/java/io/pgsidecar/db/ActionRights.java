package io.pgsidecar.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * A feature's actions and the rights each needs whatever it finds to do, contributed as a bean the
 * way alert rules are: the rights report ({@code GET .../rights}), its GRANT script
 * ({@code pgsidecar grants}) and the feature's status page read them; a new feature that acts adds
 * one of these and nothing else changes.
 */
public interface ActionRights {

    /** The feature, as the script's comments name it ({@code maintenance}, {@code partitions}, ...). */
    String feature();

    /** Whether the feature is on (the script grants only what enabled features need). */
    boolean enabled();

    /**
     * Each action by name with the needs it has whatever it finds to do now; read from the
     * configuration and, where the needs name tables, the catalog on {@code c}.
     */
    Map<String, List<Need>> actions(Connection c) throws SQLException;
}
