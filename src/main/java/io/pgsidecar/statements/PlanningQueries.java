package io.pgsidecar.statements;

/**
 * SQL of safe planning: what the planning session's login could do if a statement's function ran
 * with its rights, whom it may plan as, with which search_path, and (when the login could act)
 * which functions outside the trusted owners a statement text can reach.
 */
final class PlanningQueries {

    private PlanningQueries() {
    }

    /*
     * The plan helper (%1$s its name), made in pg_temp by the role it runs as: each statement but the
     * last is executed, the last (an EXPLAIN in JSON) returned. SECURITY DEFINER so that PostgreSQL
     * refuses any change of role while a function being planned runs; no SET clause, so the
     * caller's search_path, statement_timeout and plan_cache_mode apply.
     */
    static final String HELPER = """
            /* pgsidecar */ CREATE FUNCTION pg_temp.%1$s(statements text[]) RETURNS SETOF json
                LANGUAGE plpgsql VOLATILE SECURITY DEFINER AS $pgsidecar$
            DECLARE
                i int;
            BEGIN
                FOR i IN 1 .. pg_catalog.array_length(statements, 1) - 1 LOOP
                    EXECUTE statements[i];
                END LOOP;
                RETURN QUERY EXECUTE statements[pg_catalog.array_length(statements, 1)];
            END
            $pgsidecar$
            """;

    /*
     * The roles that ran each statement in this database, most calls first, and whether this
     * session's login may SET ROLE to each (16+ asks for the SET option itself, %2$s).
     */
    static final String STATEMENT_USERS = """
            /* pgsidecar */
            SELECT s.queryid, r.rolname, pg_catalog.pg_has_role(pg_catalog.session_user(), s.userid, '%2$s')
              FROM %1$s.pg_stat_statements(false) s
              JOIN pg_catalog.pg_roles r ON r.oid = s.userid
             WHERE s.dbid = (SELECT oid FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database())
               AND s.queryid = ANY (?)
             GROUP BY s.queryid, r.rolname, s.userid
             ORDER BY s.queryid, sum(s.calls) DESC
            """;

    /**
     * The same for users already known (the statements snapshot holds each entry's userid): only the
     * roles are read, not pg_stat_statements. $1 query ids, $2 their users, $3 the order of each
     * pair (most calls first).
     */
    static final String KNOWN_USERS = """
            /* pgsidecar */
            SELECT u.queryid, r.rolname, pg_catalog.pg_has_role(pg_catalog.session_user(), r.oid, '%1$s')
              FROM ROWS FROM (pg_catalog.unnest(?::bigint[]), pg_catalog.unnest(?::oid[]),
                              pg_catalog.unnest(?::int[])) AS u(queryid, userid, ord)
              JOIN pg_catalog.pg_roles r ON r.oid = u.userid
             ORDER BY u.queryid, u.ord
            """;

    /** Whether this session's login may SET ROLE to a configured role (16+: the SET option, %1$s). */
    static final String MAY_BECOME = """
            /* pgsidecar */
            SELECT pg_catalog.pg_has_role(pg_catalog.session_user(), r.oid, '%1$s')
              FROM pg_catalog.pg_roles r WHERE r.rolname = ?
            """;

    /*
     * The search_path a session of the role would start with in this database: its setting for this
     * database, else its own, else the database's, else the server's default. The value is applied
     * as the server applies it at login (set_config with the stored text), never spliced.
     */
    static final String SEARCH_PATH = """
            /* pgsidecar */
            WITH db AS (SELECT oid FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database()),
                 r AS (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = ?),
                 settings AS (
                   SELECT CASE WHEN s.setrole <> 0 AND s.setdatabase <> 0 THEN 1
                               WHEN s.setrole <> 0 THEN 2 ELSE 3 END AS rank,
                          pg_catalog.substr(c, 13) AS value
                     FROM pg_catalog.pg_db_role_setting s, pg_catalog.unnest(s.setconfig) c
                    WHERE c LIKE 'search\\_path=%'
                      AND (s.setrole IN (SELECT oid FROM r) OR s.setrole = 0)
                      AND (s.setdatabase IN (SELECT oid FROM db) OR s.setdatabase = 0)
                      AND NOT (s.setrole = 0 AND s.setdatabase = 0))
            SELECT COALESCE((SELECT value FROM settings ORDER BY rank LIMIT 1),
                            (SELECT boot_val FROM pg_catalog.pg_settings WHERE name = 'search_path'))
            """;

    /*
     * The functions outside the trusted owners ($3: role names; superusers are trusted) that planning
     * a text could run. Reached from the text: a function called by one of its names ($1), the
     * function behind one of its operators ($2), a cast to a type it names; and an implicit or
     * assignment cast anywhere (it applies without being written). Reached from the relations it
     * names, the relations their views and rules read and their partitions and inheritance children,
     * over and over: what their rules (views), extended statistics,
     * column defaults and generated columns, policies, check constraints, partition keys and index
     * expressions use, directly or through an operator, and the defaults and checks of domains their
     * columns are typed with. The names are matched in every schema, so the screen sees more than the
     * statement uses, never less.
     */
    static final String SCREEN = """
            /* pgsidecar */
            WITH RECURSIVE
              trusted AS (SELECT oid FROM pg_catalog.pg_roles WHERE rolsuper OR rolname = ANY (?)),
              rels(oid) AS (
                SELECT c.oid FROM pg_catalog.pg_class c
                 WHERE c.relname = ANY (?) AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
                UNION
                SELECT n.next FROM rels r CROSS JOIN LATERAL (
                    SELECT d.refobjid AS next FROM pg_catalog.pg_depend d
                      JOIN pg_catalog.pg_rewrite w ON d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass
                                                  AND d.objid = w.oid
                     WHERE w.ev_class = r.oid AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
                       AND d.refobjid <> w.ev_class
                    UNION ALL
                    SELECT i.inhrelid FROM pg_catalog.pg_inherits i WHERE i.inhparent = r.oid) n),
              owners(classid, objid) AS (
                SELECT 'pg_catalog.pg_rewrite'::pg_catalog.regclass, w.oid FROM pg_catalog.pg_rewrite w
                 WHERE w.ev_class IN (SELECT oid FROM rels)
                UNION ALL
                SELECT 'pg_catalog.pg_attrdef'::pg_catalog.regclass, a.oid FROM pg_catalog.pg_attrdef a
                 WHERE a.adrelid IN (SELECT oid FROM rels)
                UNION ALL
                SELECT 'pg_catalog.pg_policy'::pg_catalog.regclass, p.oid FROM pg_catalog.pg_policy p
                 WHERE p.polrelid IN (SELECT oid FROM rels)
                UNION ALL
                SELECT 'pg_catalog.pg_constraint'::pg_catalog.regclass, k.oid FROM pg_catalog.pg_constraint k
                 WHERE k.conrelid IN (SELECT oid FROM rels)
                    OR k.contypid IN (SELECT a.atttypid FROM pg_catalog.pg_attribute a
                                       WHERE a.attrelid IN (SELECT oid FROM rels) AND a.attnum > 0)
                UNION ALL
                SELECT 'pg_catalog.pg_class'::pg_catalog.regclass, oid FROM rels
                UNION ALL
                SELECT 'pg_catalog.pg_class'::pg_catalog.regclass, i.indexrelid FROM pg_catalog.pg_index i
                 WHERE i.indrelid IN (SELECT oid FROM rels)
                UNION ALL
                SELECT 'pg_catalog.pg_statistic_ext'::pg_catalog.regclass, x.oid FROM pg_catalog.pg_statistic_ext x
                 WHERE x.stxrelid IN (SELECT oid FROM rels)
                UNION ALL
                SELECT 'pg_catalog.pg_type'::pg_catalog.regclass, a.atttypid FROM pg_catalog.pg_attribute a
                 WHERE a.attrelid IN (SELECT oid FROM rels) AND a.attnum > 0),
              used AS (
                SELECT d.refclassid, d.refobjid FROM pg_catalog.pg_depend d
                  JOIN owners o ON o.classid = d.classid AND o.objid = d.objid
                 WHERE d.refclassid IN ('pg_catalog.pg_proc'::pg_catalog.regclass,
                                        'pg_catalog.pg_operator'::pg_catalog.regclass)),
              reached(fn, via) AS (
                SELECT p.oid, 'called by name' FROM pg_catalog.pg_proc p WHERE p.proname = ANY (?)
                UNION ALL
                SELECT o.oprcode::pg_catalog.oid, 'behind the operator ' || o.oprname FROM pg_catalog.pg_operator o
                 WHERE o.oprname = ANY (?)
                UNION ALL
                SELECT c.castfunc, 'a cast to ' || pg_catalog.format_type(c.casttarget, NULL)
                  FROM pg_catalog.pg_cast c JOIN pg_catalog.pg_type t ON t.oid = c.casttarget
                 WHERE c.castfunc <> 0 AND (t.typname = ANY (?) OR c.castcontext IN ('i', 'a'))
                UNION ALL
                SELECT u.refobjid, 'used by a relation it reads' FROM used u
                 WHERE u.refclassid = 'pg_catalog.pg_proc'::pg_catalog.regclass
                UNION ALL
                SELECT o.oprcode::pg_catalog.oid, 'behind the operator ' || o.oprname || ' a relation it reads uses'
                  FROM used u JOIN pg_catalog.pg_operator o ON o.oid = u.refobjid
                 WHERE u.refclassid = 'pg_catalog.pg_operator'::pg_catalog.regclass)
            SELECT DISTINCT ON (p.oid) p.oid::pg_catalog.regprocedure::text, pg_catalog.pg_get_userbyid(p.proowner),
                   r.via
              FROM reached r JOIN pg_catalog.pg_proc p ON p.oid = r.fn
             WHERE p.proowner NOT IN (SELECT oid FROM trusted)
             ORDER BY p.oid
             LIMIT 5
            """;
}
