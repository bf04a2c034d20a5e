package io.pgsidecar.db;

import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The agent's rights in one answer ({@code GET .../rights}, {@code pgsidecar grants}): who observes
 * and whether that login could act (then plans are screened), who acts and how, which action of each
 * enabled feature is possible now, and the SQL that creates the two roles with exactly the rights the
 * enabled features need on this server, read from the catalog (owners, the roles that run
 * statements, the reset function's signature).
 */
@ApplicationScoped
public class RightsReport {

    static final String OBSERVER = "pgsidecar_observer";
    static final String ACTOR = "pgsidecar_actor";
    static final String PLANNING = "pgsidecar_planning";
    /** The role a statement is planned as when the observer may not switch to the role that ran it. */
    public static final String PLANNER = "pgsidecar_planner";

    /** The answer. */
    @RegisterForReflection
    public record Report(String database, int serverVersion, String observingLogin, List<String> observingLoginActs,
                         String plans, String actingRole, String form, List<Feature> features, String grants) {
    }

    /** One feature's actions and whether each is possible now. */
    @RegisterForReflection
    public record Feature(String feature, boolean enabled, List<Rights.Capability> actions) {
    }

    private final Database database;
    private final Rights rights;
    private final ActingSessions acting;
    private final Instance<ActionRights> features;
    private final String agentSchema;

    public RightsReport(Database database, Rights rights, ActingSessions acting, Instance<ActionRights> features,
                        DbConfig db) {
        this.database = database;
        this.rights = rights;
        this.acting = acting;
        this.features = features;
        this.agentSchema = db.schema();
    }

    public Report report() {
        return database.withConnection(this::report);
    }

    Report report(Connection c) throws SQLException {
        Rights.Reach reach = rights.reach(c);
        String db;
        try (PreparedStatement ps = c.prepareStatement("/* pgsidecar */ SELECT pg_catalog.current_database()");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            db = rs.getString(1);
        }
        List<ActionRights> sorted = features.stream().sorted(java.util.Comparator.comparing(ActionRights::feature)).toList();
        Map<ActionRights, Map<String, List<Need>>> actions = new LinkedHashMap<>();
        for (ActionRights f : sorted) {
            actions.put(f, f.actions(c));
        }
        // one catalog pass for every feature's needs
        Map<Need, Rights.Lack> lacking = rights.lackingByNeed(c, actions.values().stream()
                .flatMap(a -> a.values().stream()).flatMap(List::stream).toList());
        String actingRole = rights.actingRoleName(c);
        List<Feature> out = new ArrayList<>();
        Map<String, Map<String, List<Need>>> enabled = new LinkedHashMap<>();
        for (var f : actions.entrySet()) {
            out.add(new Feature(f.getKey().feature(), f.getKey().enabled(),
                    rights.view(f.getValue(), lacking, actingRole).actions()));
            if (f.getKey().enabled()) {
                enabled.put(f.getKey().feature(), f.getValue());
            }
        }
        String plans = reach.canAct() ? "screened: the observing login " + reach.login() + " can act ("
                + String.join(", ", reach.acting()) + "), so a statement is planned only when no function outside "
                + "the trusted owners is within its reach" : "safe: the observing login " + reach.login()
                + " cannot act; statements are planned as the roles that ran them where it may switch to them, else as "
                + PLANNER + " where it may";
        return new Report(db, reach.version(), reach.login(), reach.acting(), plans,
                actingRole, acting.form().name().toLowerCase(java.util.Locale.ROOT),
                out, script(c, db, reach, enabled));
    }

    /** The GRANT script for the enabled features' actions. */
    String script(Connection c, String db, Rights.Reach reach, Map<String, Map<String, List<Need>>> enabled)
            throws SQLException {
        int version = reach.version();
        String observerName = reach.canAct() ? OBSERVER : reach.login();
        String observer = Identifiers.display(observerName);
        String actor = Identifiers.display(acting.form() == ActingSessions.Form.OBSERVING_LOGIN ? ACTOR
                : acting.role().orElse(ACTOR));
        String planning = Identifiers.display(PLANNING);
        String database = Identifiers.display(db);
        String schema = Identifiers.display(agentSchema);
        StringBuilder b = new StringBuilder();
        b.append("-- pgsidecar: roles and rights for database ").append(database).append(" on PostgreSQL ")
                .append(version / 10000).append('\n');
        b.append("-- features that act: ").append(enabled.isEmpty() ? "none enabled" : String.join(", ", enabled.keySet()))
                .append('\n');
        b.append("-- Run it as a superuser (psql -f), then give each login a password (\\password ").append(observer)
                .append(", \\password ").append(actor).append(")\n-- and the agent DATABASE_URL as ").append(observer)
                .append(" and PGSIDECAR_ACTING_DATABASE_URL as ").append(actor).append(". It can run again.\n\n");

        b.append("-- Observing: every read, the metrics, the alerts, the plans. It holds no right that acts.\n");
        createRole(b, observer, "LOGIN");
        b.append("GRANT pg_monitor TO ").append(observer).append(";\n");
        b.append("GRANT CONNECT ON DATABASE ").append(database).append(" TO ").append(observer).append(";\n");
        b.append("CREATE EXTENSION IF NOT EXISTS pg_stat_statements;\n");
        b.append("-- the agent's own schema: its tables and migration history, owned by the observing login\n");
        b.append("CREATE SCHEMA IF NOT EXISTS ").append(schema).append(" AUTHORIZATION ").append(observer).append(";\n");
        b.append("ALTER SCHEMA ").append(schema).append(" OWNER TO ").append(observer).append(";\n");
        b.append("DO $$ DECLARE t record; BEGIN\n  FOR t IN SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
                + "ON n.oid = c.relnamespace\n           WHERE n.nspname = ").append(literal(agentSchema))
                .append(" AND c.relkind IN ('r', 'p') LOOP\n    EXECUTE pg_catalog.format('ALTER TABLE %I.%I OWNER TO %I', ")
                .append(literal(agentSchema)).append(", t.relname, ").append(literal(observerName))
                .append(");\n  END LOOP;\nEND $$;\n");
        try (PreparedStatement ps = c.prepareStatement(RightsQueries.PARTMAN_SCHEMA); ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
                String partman = Identifiers.display(rs.getString(1));
                b.append("-- pg_partman's sets, which the agent leaves alone\nGRANT USAGE ON SCHEMA ").append(partman)
                        .append(" TO ").append(observer).append(";\nGRANT SELECT ON ").append(partman)
                        .append(".part_config TO ").append(observer).append(";\n");
            }
        }
        b.append("-- plans: a statement is planned as the role that ran it. The observer may switch to those roles\n"
                + "-- through this NOINHERIT role, so it holds none of their rights itself; never to one that could act.\n");
        createRole(b, planning, "NOLOGIN NOINHERIT");
        b.append("GRANT ").append(planning).append(" TO ").append(observer).append(";\n");
        // the application's owners and schemas, read once for the planner's and the actor's grants
        Application app = new Application(names(c, RightsQueries.APPLICATION_OWNERS),
                names(c, RightsQueries.APPLICATION_SCHEMAS));
        String planner = Identifiers.display(PLANNER);
        b.append("-- the statements of the others are planned as this role: it may read every table and write none\n");
        createRole(b, planner, "NOLOGIN");
        if (version >= 140000) {
            b.append("GRANT pg_read_all_data TO ").append(planner).append(";\n");
        } else {
            List<String> schemas = new ArrayList<>(List.of("public"));
            schemas.addAll(app.schemas());
            for (String sc : schemas) {
                String shown = Identifiers.display(sc);
                b.append("GRANT USAGE ON SCHEMA ").append(shown).append(" TO ").append(planner).append(";\n");
                b.append("GRANT SELECT ON ALL TABLES IN SCHEMA ").append(shown).append(" TO ").append(planner)
                        .append(";\n");
            }
        }
        b.append("GRANT ").append(planner).append(" TO ").append(planning).append(";\n");
        List<String[]> statementRoles = statementRoles(c, observer, actor);
        if (statementRoles.isEmpty()) {
            b.append("-- (no role has run statements here yet: run this again once the application has)\n");
        }
        for (String[] r : statementRoles) {
            if ("true".equals(r[1])) {
                // taken back where an earlier script granted it
                b.append("REVOKE ").append(Identifiers.display(r[0])).append(" FROM ").append(planning)
                        .append(";  -- it can act (owns the database, a schema or tables, or is superuser, CREATEROLE, "
                                + "REPLICATION, a signal/file/write role); planned as ").append(planner).append("\n");
            } else {
                b.append("GRANT ").append(Identifiers.display(r[0])).append(" TO ").append(planning).append(";\n");
            }
        }

        b.append("\n-- Acting: held only by the sessions that act (maintenance runs, partition jobs, index builds,\n"
                + "-- the short sessions that cancel, end sessions or reset statistics).\n");
        createRole(b, actor, "LOGIN");
        b.append("GRANT CONNECT ON DATABASE ").append(database).append(" TO ").append(actor).append(";\n");
        Map<String, List<String>> grants = new LinkedHashMap<>();
        for (var f : enabled.entrySet()) {
            for (var a : f.getValue().entrySet()) {
                for (Need n : a.getValue()) {
                    for (String g : grants(c, n, version, actor, app)) {
                        grants.computeIfAbsent(g, k -> new ArrayList<>()).add(f.getKey() + " " + a.getKey());
                    }
                }
            }
        }
        if (grants.isEmpty()) {
            b.append("-- (no feature that acts is enabled)\n");
        }
        for (var g : grants.entrySet()) {
            b.append(g.getKey()).append(";  -- ").append(String.join(", ", g.getValue().stream().distinct().toList()))
                    .append('\n');
        }
        return b.toString();
    }

    private static void createRole(StringBuilder b, String role, String options) {
        b.append("DO $$ BEGIN CREATE ROLE ").append(role).append(' ').append(options)
                .append("; EXCEPTION WHEN duplicate_object THEN NULL; END $$;\n");
    }

    private static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    /**
     * The GRANT statements that give the acting role one need (the full target, held already or not),
     * with USAGE on the schemas whose tables it names (public has it for everyone).
     */
    private List<String> grants(Connection c, Need n, int version, String actor, Application app)
            throws SQLException {
        List<String> out = new ArrayList<>();
        String to = " TO " + actor;
        if (n.kind() != Need.Kind.SIGNAL && n.kind() != Need.Kind.RESET_STATEMENTS) {
            List<String> schemas = n.schema() != null ? List.of(n.schema()) : app.schemas();
            for (String s : schemas) {
                if (!"public".equals(s)) {
                    out.add("GRANT USAGE ON SCHEMA " + Identifiers.display(s) + to);
                }
            }
        }
        out.addAll(rights(c, n, version, actor, app));
        return out;
    }

    /** The owners of the application's tables (superusers left out) and their schemas, read once per script. */
    private record Application(List<String> owners, List<String> schemas) {
    }

    /** The one column of a catalog query about the application's tables ($1: the agent's schema, left out). */
    private List<String> names(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, agentSchema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    private List<String> rights(Connection c, Need n, int version, String actor, Application app)
            throws SQLException {
        String to = " TO " + actor;
        boolean v17 = version >= 170000;
        return switch (n.kind()) {
            case SIGNAL -> List.of("GRANT pg_signal_backend, pg_read_all_stats" + to);
            case RESET_STATEMENTS -> resetFunction(c).map(f -> List.of("GRANT EXECUTE ON FUNCTION " + f + to))
                    .orElse(List.of());
            case CREATE_IN_SCHEMA -> List.of("GRANT CREATE ON SCHEMA " + Identifiers.display(n.schema()) + to);
            case DELETE -> List.of("GRANT SELECT, DELETE ON TABLE " + Identifiers.display(n.schema()) + "."
                    + Identifiers.display(n.name()) + to);
            case VACUUM_ANALYZE, REINDEX -> {
                if (v17) {
                    yield List.of(n.schema() == null ? "GRANT pg_maintain" + to : "GRANT MAINTAIN ON TABLE "
                            + Identifiers.display(n.schema()) + "." + Identifiers.display(n.name()) + to);
                }
                yield owners(c, n, app).stream().map(o -> "GRANT " + Identifiers.display(o) + to).toList();
            }
            case OWN -> owners(c, n, app).stream().map(o -> "GRANT " + Identifiers.display(o) + to).toList();
        };
    }

    /** The owner of the need's table, or (anywhere) of every application table; superusers left out. */
    private List<String> owners(Connection c, Need n, Application app) throws SQLException {
        if (n.schema() == null) {
            return app.owners();
        }
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(RightsQueries.OWNER)) {
            ps.setString(1, n.schema());
            ps.setString(2, n.name());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    private static Optional<String> resetFunction(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(RightsQueries.RESET_STATEMENTS)) {
            ps.setLong(1, 10); // the bootstrap superuser: only the signature is read here
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    /** The roles that ran statements here, but the agent's own: {name, "true" when it can act itself}. */
    private List<String[]> statementRoles(Connection c, String observer, String actor) throws SQLException {
        String extSchema;
        try (PreparedStatement ps = c.prepareStatement(RightsQueries.STATEMENTS_SCHEMA); ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return List.of();
            }
            extSchema = rs.getString(1);
        }
        List<String> acts = rights.actingRoleNames();
        List<String[]> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(RightsQueries.STATEMENT_ROLES.formatted(
                Identifiers.quote(extSchema)))) {
            ps.setString(1, agentSchema);
            ps.setArray(2, c.createArrayOf("text", acts.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String name = rs.getString(1);
                    String shown = Identifiers.display(name);
                    if (shown.equals(observer) || shown.equals(actor) || name.equals(PLANNING) || name.equals(PLANNER)) {
                        continue;
                    }
                    out.add(new String[] {name, Boolean.toString(rs.getBoolean(2))});
                }
            }
        }
        return out;
    }
}
