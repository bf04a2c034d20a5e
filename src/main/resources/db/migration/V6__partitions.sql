-- Partition jobs, written by io.pgsidecar.partitions: one row per set (parent table) per run of the
-- partition job or of a manual create/cleanup, with what it did and why it stopped.
CREATE TABLE ${flyway:defaultSchema}.partition_jobs (
    id            bigserial   PRIMARY KEY,
    parent        text        NOT NULL,
    trigger       text        NOT NULL CHECK (trigger IN ('scheduled', 'manual')),
    instance      text        NOT NULL,
    started_at    timestamptz NOT NULL,
    finished_at   timestamptz NOT NULL,
    outcome       text        NOT NULL CHECK (outcome IN ('ok', 'blocked', 'failed')),
    created       integer     NOT NULL DEFAULT 0,
    detached      integer     NOT NULL DEFAULT 0,
    dropped       integer     NOT NULL DEFAULT 0,
    runway        integer,
    default_rows  bigint,
    newest        text,
    message       text
);
CREATE INDEX partition_jobs_parent_started ON ${flyway:defaultSchema}.partition_jobs (parent, started_at DESC);
CREATE INDEX partition_jobs_started ON ${flyway:defaultSchema}.partition_jobs (started_at);

-- The parents pg_partman manages, when it is installed in this database ('schema.table'), so that
-- one catalog query can leave them alone without failing where pg_partman is absent.
CREATE FUNCTION ${flyway:defaultSchema}.partman_parents() RETURNS SETOF text
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog AS $$
DECLARE
    ext_schema name;
BEGIN
    SELECT n.nspname INTO ext_schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
     WHERE e.extname = 'pg_partman';
    IF ext_schema IS NULL THEN
        RETURN;
    END IF;
    RETURN QUERY EXECUTE format('SELECT parent_table::text FROM %I.part_config', ext_schema);
END
$$;
