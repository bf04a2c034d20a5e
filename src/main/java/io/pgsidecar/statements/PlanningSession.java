package io.pgsidecar.statements;

import io.pgsidecar.db.Identifiers;
import io.pgsidecar.db.Transactions;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One session that plans statement texts, and what its login could do if a function a text reaches
 * ran with its rights (read once, when it opens). Made by {@link PlannerSessions}; only the planning
 * code of this package acts on it.
 */
public final class PlanningSession {

    /** A role that ran a statement, and whether this session's login may SET ROLE to it. */
    record StatementUser(String role, boolean maySet) {
    }

    private final Connection connection;
    private final String login;
    private final int version;
    private final List<String> actingRights;
    private final Map<Long, List<StatementUser>> users = new HashMap<>();
    private final Map<String, Boolean> mayBecome = new HashMap<>();
    private final Map<String, String> searchPaths = new HashMap<>();
    private final Map<String, String> helpers = new HashMap<>();
    private String extensionSchema;

    PlanningSession(Connection connection, String login, int version, List<String> actingRights) {
        this.connection = connection;
        this.login = login;
        this.version = version;
        this.actingRights = List.copyOf(actingRights);
    }

    /** The session, for the catalog reads and HypoPG calls around the plans (never a user's text). */
    public Connection connection() {
        return connection;
    }

    /** The role this session logged in as. */
    public String login() {
        return login;
    }

    int version() {
        return version;
    }

    /** The roles of this login's reach that could act (empty: planning on it cannot act). */
    List<String> actingRights() {
        return actingRights;
    }

    boolean canAct() {
        return !actingRights.isEmpty();
    }

    /** pg_has_role's privilege for "may SET ROLE to": SET on 16+, MEMBER before. */
    private String setPrivilege() {
        return version >= 160000 ? "SET" : "MEMBER";
    }

    /**
     * The roles that ran each statement, most calls first; read for all the given ids at once
     * (pg_stat_statements without texts) and kept for this session.
     */
    void loadUsers(Collection<Long> queryids) throws SQLException {
        List<Long> missing = queryids.stream().filter(id -> !users.containsKey(id)).distinct().toList();
        if (missing.isEmpty()) {
            return;
        }
        missing.forEach(id -> users.put(id, new ArrayList<>()));
        if (extensionSchema == null) {
            StatementsReader.Extension ext = StatementsReader.extension(connection);
            if (!ext.loaded() || ext.version() == null) {
                return;
            }
            extensionSchema = ext.quotedSchema();
        }
        try (PreparedStatement ps = connection.prepareStatement(
                PlanningQueries.STATEMENT_USERS.formatted(extensionSchema, setPrivilege()))) {
            Array ids = connection.createArrayOf("bigint", missing.toArray(Long[]::new));
            ps.setArray(1, ids);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    users.get(rs.getLong(1)).add(new StatementUser(rs.getString(2), rs.getBoolean(3)));
                }
            }
        }
    }

    /**
     * The users of these statements as the statements snapshot already has them ({@code userids}:
     * each query id's users, most calls first), without reading pg_stat_statements.
     */
    void loadKnownUsers(Map<Long, List<Long>> userids) throws SQLException {
        List<Long> ids = new ArrayList<>();
        List<Long> roles = new ArrayList<>();
        List<Integer> order = new ArrayList<>();
        userids.forEach((id, list) -> {
            if (!users.containsKey(id)) {
                users.put(id, new ArrayList<>());
                for (int i = 0; i < list.size(); i++) {
                    ids.add(id);
                    roles.add(list.get(i));
                    order.add(i);
                }
            }
        });
        if (ids.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = connection.prepareStatement(PlanningQueries.KNOWN_USERS.formatted(setPrivilege()))) {
            ps.setArray(1, connection.createArrayOf("bigint", ids.toArray(Long[]::new)));
            ps.setArray(2, connection.createArrayOf("bigint", roles.toArray(Long[]::new)));
            ps.setArray(3, connection.createArrayOf("int4", order.toArray(Integer[]::new)));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    users.get(rs.getLong(1)).add(new StatementUser(rs.getString(2), rs.getBoolean(3)));
                }
            }
        }
    }

    List<StatementUser> usersOf(long queryid) throws SQLException {
        loadUsers(List.of(queryid));
        return users.get(queryid);
    }

    /** Whether this login may SET ROLE to {@code role} (false when no such role exists). */
    boolean mayBecome(String role) throws SQLException {
        Boolean known = mayBecome.get(role);
        if (known != null) {
            return known;
        }
        boolean may = false;
        try (PreparedStatement ps = connection.prepareStatement(PlanningQueries.MAY_BECOME.formatted(setPrivilege()))) {
            ps.setString(1, role);
            try (ResultSet rs = ps.executeQuery()) {
                may = rs.next() && rs.getBoolean(1);
            }
        }
        mayBecome.put(role, may);
        return may;
    }

    /** The search_path a session of {@code role} starts with in this database (from the catalog). */
    String searchPathOf(String role) throws SQLException {
        String known = searchPaths.get(role);
        if (known != null) {
            return known;
        }
        String path;
        try (PreparedStatement ps = connection.prepareStatement(PlanningQueries.SEARCH_PATH)) {
            ps.setString(1, role);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                path = rs.getString(1);
            }
        }
        searchPaths.put(role, path == null ? "\"$user\", public" : path);
        return searchPaths.get(role);
    }

    /**
     * The name of this session's plan helper owned by {@code role}, made on first use: a temporary
     * SECURITY DEFINER function that runs the plan's statements. Whatever the planner evaluates in it
     * runs with exactly that role's rights, and PostgreSQL refuses any change of role inside it
     * ({@code SET ROLE}, {@code RESET ROLE}, {@code set_config('role', ...)}): a function being planned
     * can neither go back to this session's login nor on to another role the login may become.
     * Making it runs no code of anyone's; it lives as long as the session.
     */
    String helper(String role) throws SQLException {
        String known = helpers.get(role);
        if (known != null) {
            return known;
        }
        String name = "pgsidecar_plan_" + (helpers.size() + 1);
        Transactions.committed(connection, () -> {
            try (Statement s = connection.createStatement()) {
                if (!role.equals(login)) {
                    s.execute("/* pgsidecar */ SET LOCAL ROLE " + Identifiers.quote(role));
                }
                s.execute(PlanningQueries.HELPER.formatted(name));
            }
            return null;
        });
        helpers.put(role, name);
        return name;
    }
}
