package io.pgsidecar.db;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * What the acting role may do, asked of the catalog by name from any session (the pool's, a
 * planner's), before anything is tried: the features check their steps' {@link Need needs} here,
 * refuse with {@link NoPermissionException} or skip what is lacking, and say on their status pages
 * which of their actions are possible. Each lack names the right and the GRANT that gives it.
 */
@ApplicationScoped
public class Rights {

    /** A right the acting role lacks, and the statement a DBA runs to give it. */
    public record Lack(Need need, String role, String right, String grant) {
        public String message() {
            return role + " lacks " + right + " (" + grant + ")";
        }
    }

    /**
     * Whether an action is possible with the acting role's rights now.
     *
     * @param lacking what it lacks and the GRANT that gives it (the first few), empty when possible
     */
    @io.quarkus.runtime.annotations.RegisterForReflection
    public record Capability(String action, boolean possible, List<String> lacking) {
    }

    /**
     * The acting rights as a status endpoint shows them: who acts, how it gets its rights, and which
     * of the feature's actions are possible.
     *
     * @param form {@code second_login}, {@code set_role} or {@code observing_login}
     */
    @io.quarkus.runtime.annotations.RegisterForReflection
    public record View(String actingRole, String form, List<Capability> actions) {
    }

    /** The acting role as the catalog knows it. */
    private record Role(Long oid, String name, boolean superuser, boolean signals, int version, boolean switchable) {
    }

    private final ActingSessions acting;
    private final String agentSchema;

    public Rights(ActingSessions acting, DbConfig db) {
        this.acting = acting;
        this.agentSchema = db.schema();
    }

    /** The role whose rights are checked (null: the session's own login). */
    public Optional<String> actingRole() {
        return acting.role();
    }

    /** How the acting sessions get their rights. */
    public ActingSessions.Form form() {
        return acting.form();
    }

    /** Which of these actions (each with the needs it has whatever it finds to do) are possible now. */
    public View view(Connection c, java.util.Map<String, List<Need>> actions) throws SQLException {
        List<Need> all = actions.values().stream().flatMap(List::stream).toList();
        return view(actions, lackingByNeed(c, all), role(c).name());
    }

    /** The same from lacks already read (one catalog pass for several features' actions). */
    public View view(java.util.Map<String, List<Need>> actions, java.util.Map<Need, Lack> lacking, String actingRole) {
        List<Capability> out = new ArrayList<>();
        for (var e : actions.entrySet()) {
            List<Lack> lacks = e.getValue().stream().distinct().map(lacking::get).filter(l -> l != null).toList();
            out.add(new Capability(e.getKey(), lacks.isEmpty(),
                    lacks.stream().limit(3).map(Lack::message).toList()));
        }
        return new View(actingRole, form().name().toLowerCase(java.util.Locale.ROOT), out);
    }

    /** {@link #lacking} by need, in the order given: a need without an entry is held. */
    public java.util.Map<Need, Lack> lackingByNeed(Connection c, Collection<Need> needs) throws SQLException {
        java.util.Map<Need, Lack> out = new java.util.LinkedHashMap<>();
        for (Lack l : lacking(c, needs)) {
            out.put(l.need(), l);
        }
        return out;
    }

    /**
     * What this session's login could do if code it ran went its own way: the login, the server's
     * version, and the roles of its reach (itself and every role it may become, whatever INHERIT
     * says) that act: superuser, CREATEROLE, REPLICATION, the built-in roles that signal, write,
     * maintain or touch server files, the acting role or login, the owner of the database or of an
     * application schema or table.
     * Empty: the login cannot act.
     */
    public record Reach(String login, int version, List<String> acting) {
        public boolean canAct() {
            return !acting.isEmpty();
        }
    }

    /** The roles whose members act: the built-in roles that do, and the agent's own acting role or login. */
    List<String> actingRoleNames() {
        List<String> names = new ArrayList<>(List.of(RightsQueries.ACTING_BUILT_IN_ROLES));
        names.addAll(acting.separateRoles());
        return names;
    }

    public Reach reach(Connection c) throws SQLException {
        List<String> names = actingRoleNames();
        try (PreparedStatement ps = c.prepareStatement(RightsQueries.REACH)) {
            ps.setString(1, agentSchema);
            ps.setArray(2, c.createArrayOf("text", names.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Reach(rs.getString(1), rs.getInt(2), List.of((String[]) rs.getArray(3).getArray()));
            }
        }
    }

    /** The acting role's name as the catalog resolves it (the login's own name when none is configured). */
    public String actingRoleName(Connection c) throws SQLException {
        return role(c).name();
    }

    /** The needs the acting role lacks, in the order given (each once). */
    public List<Lack> lacking(Connection c, Collection<Need> needs) throws SQLException {
        List<Need> distinct = new ArrayList<>(new LinkedHashSet<>(needs));
        List<Lack> out = new ArrayList<>();
        if (distinct.isEmpty()) {
            return out;
        }
        Role r = role(c);
        if (r.oid() == null) {
            for (Need n : distinct) {
                out.add(new Lack(n, r.name(), n.describe(), "the role " + r.name() + " does not exist: "
                        + "CREATE ROLE " + Identifiers.display(r.name()) + " (pgsidecar grants)"));
            }
            return out;
        }
        if (acting.switchesRole() && !r.switchable()) {
            String login = acting.switchingLogin().orElse("the login");
            for (Need n : distinct) {
                out.add(new Lack(n, login, "membership in " + r.name() + " (pgsidecar.acting.role), to " + n.describe(),
                        "GRANT " + Identifiers.display(r.name()) + " TO " + Identifiers.display(login)));
            }
            return out;
        }
        if (r.superuser()) {
            return out;
        }
        List<Need> onRelations = new ArrayList<>();
        for (Need n : distinct) {
            switch (n.kind()) {
                case SIGNAL -> {
                    if (!r.signals()) {
                        out.add(lack(r, n, "GRANT pg_signal_backend, pg_read_all_stats TO "
                                + Identifiers.display(r.name())));
                    }
                }
                case RESET_STATEMENTS -> resetStatements(c, r, n).ifPresent(out::add);
                default -> {
                    if (n.schema() == null) {
                        anywhere(c, r, n).ifPresent(out::add);
                    } else {
                        onRelations.add(n);
                    }
                }
            }
        }
        out.addAll(onRelations(c, r, onRelations));
        return out;
    }

    private Role role(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(RightsQueries.ROLE)) {
            ps.setString(1, acting.switchingLogin().orElse(null));
            ps.setString(2, acting.role().orElse(null));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long oid = rs.getLong(1);
                boolean missing = rs.wasNull();
                String name = missing ? acting.role().orElse("(the login)") : rs.getString(2);
                return new Role(missing ? null : oid, name, rs.getBoolean(3), rs.getBoolean(4), rs.getInt(5),
                        rs.getBoolean(6));
            }
        }
    }

    private static Lack lack(Role r, Need n, String grant) {
        return new Lack(n, r.name(), n.describe(), grant);
    }

    private List<Lack> onRelations(Connection c, Role r, List<Need> needs) throws SQLException {
        List<Lack> out = new ArrayList<>();
        if (needs.isEmpty()) {
            return out;
        }
        boolean v17 = r.version() >= 170000;
        String sql = RightsQueries.ON_RELATIONS.formatted(v17 ? RightsQueries.MAINTAIN_17
                : RightsQueries.MAINTAIN_BEFORE_17);
        Integer[] idx = new Integer[needs.size()];
        String[] schemas = new String[needs.size()];
        String[] names = new String[needs.size()];
        for (int i = 0; i < needs.size(); i++) {
            idx[i] = i;
            schemas[i] = needs.get(i).schema();
            names[i] = needs.get(i).name();
        }
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int p = 1; p <= 7; p++) {
                ps.setLong(p, r.oid());
            }
            ps.setArray(8, c.createArrayOf("int4", idx));
            ps.setArray(9, c.createArrayOf("text", schemas));
            ps.setArray(10, c.createArrayOf("text", names));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Need n = needs.get(rs.getInt(1));
                    boolean schemaExists = rs.getBoolean(2);
                    boolean relationExists = rs.getBoolean(3);
                    String owner = rs.getString(4);
                    boolean owns = rs.getBoolean(5);
                    boolean ownsDatabase = rs.getBoolean(6);
                    boolean maintain = rs.getBoolean(7);
                    boolean delete = rs.getBoolean(8);
                    boolean create = rs.getBoolean(9);
                    boolean usage = rs.getBoolean(10);
                    if (schemaExists && !usage) {
                        // the name cannot even be looked up: no right on the table helps without it
                        out.add(lack(r, n, "GRANT USAGE ON SCHEMA " + Identifiers.display(n.schema()) + " TO "
                                + Identifiers.display(r.name())));
                        continue;
                    }
                    if (n.kind() == Need.Kind.CREATE_IN_SCHEMA) {
                        if (schemaExists && !create) {
                            out.add(lack(r, n, "GRANT CREATE ON SCHEMA " + Identifiers.display(n.schema()) + " TO "
                                    + Identifiers.display(r.name())));
                        }
                        continue;
                    }
                    if (!relationExists) {
                        continue; // the feature's own checks answer for a relation that is not there
                    }
                    String table = Identifiers.display(n.schema()) + "." + Identifiers.display(n.name());
                    String member = "GRANT " + Identifiers.display(owner) + " TO " + Identifiers.display(r.name());
                    String maintainGrant = "GRANT MAINTAIN ON TABLE " + table + " TO " + Identifiers.display(r.name())
                            + " (or GRANT pg_maintain TO " + Identifiers.display(r.name()) + ")";
                    switch (n.kind()) {
                        case VACUUM_ANALYZE -> {
                            // the database's owner may VACUUM and ANALYZE every table in it, 17 included
                            if (!(v17 ? maintain || ownsDatabase : owns || ownsDatabase)) {
                                out.add(lack(r, n, v17 ? maintainGrant : member));
                            }
                        }
                        case REINDEX -> {
                            if (!(v17 ? maintain : owns)) {
                                out.add(lack(r, n, v17 ? maintainGrant : member));
                            }
                        }
                        case OWN -> {
                            if (!owns) {
                                out.add(lack(r, n, member));
                            }
                        }
                        case DELETE -> {
                            if (!delete) {
                                out.add(lack(r, n, "GRANT SELECT, DELETE ON TABLE " + table + " TO "
                                        + Identifiers.display(r.name())));
                            }
                        }
                        default -> {
                        }
                    }
                }
            }
        }
        return out;
    }

    /** Whether the role holds the right on at least one of the application's tables. */
    private Optional<Lack> anywhere(Connection c, Role r, Need n) throws SQLException {
        if (n.kind() == Need.Kind.DELETE || n.kind() == Need.Kind.CREATE_IN_SCHEMA) {
            return Optional.empty(); // always asked per table or schema
        }
        boolean v17 = r.version() >= 170000;
        String sql = RightsQueries.ANYWHERE.formatted(v17 ? RightsQueries.MAINTAIN_ANY_17
                : RightsQueries.MAINTAIN_ANY_BEFORE_17);
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, agentSchema);
            for (int p = 2; p <= 7; p++) {
                ps.setLong(p, r.oid());
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                boolean held = switch (n.kind()) {
                    case VACUUM_ANALYZE -> rs.getBoolean(1);
                    case REINDEX -> rs.getBoolean(2);
                    default -> rs.getBoolean(3);
                };
                if (held) {
                    return Optional.empty();
                }
                List<String> owners = new ArrayList<>();
                for (String o : (String[]) rs.getArray(4).getArray()) {
                    owners.add(Identifiers.display(o));
                }
                String to = " TO " + Identifiers.display(r.name());
                String member = owners.isEmpty() ? "GRANT <the tables' owner>" + to
                        : "GRANT " + String.join(", ", owners) + to;
                return Optional.of(lack(r, n, v17 && n.kind() != Need.Kind.OWN ? "GRANT pg_maintain" + to
                        + " (or MAINTAIN on each table)" : member));
            }
        }
    }

    private Optional<Lack> resetStatements(Connection c, Role r, Need n) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(RightsQueries.RESET_STATEMENTS)) {
            ps.setLong(1, r.oid());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || rs.getBoolean(2)) {
                    return Optional.empty(); // not installed: the feature says so itself
                }
                return Optional.of(lack(r, n, "GRANT EXECUTE ON FUNCTION " + rs.getString(1) + " TO "
                        + Identifiers.display(r.name())));
            }
        }
    }
}
