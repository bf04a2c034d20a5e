-- The generic plans of the top statements: one row per shape a statement kept in a row. A new row
-- is a plan change; while the shape stays, only the latest row's last_seen moves. causes: what may
-- have changed the plan, read when the row was made; sizes: the rows of the plan's relations then.
-- Written by io.pgsidecar.plans.
CREATE TABLE ${flyway:defaultSchema}.plan_history (
    id          bigserial   PRIMARY KEY,
    queryid     bigint      NOT NULL,
    shape_hash  text        NOT NULL,
    first_seen  timestamptz NOT NULL,
    last_seen   timestamptz NOT NULL,
    planned_as  text,
    total_cost  float8,
    shape       text        NOT NULL,
    plan        jsonb       NOT NULL,
    causes      jsonb       NOT NULL DEFAULT '[]',
    sizes       jsonb       NOT NULL DEFAULT '{}'
);

CREATE INDEX plan_history_queryid_idx ON ${flyway:defaultSchema}.plan_history (queryid, first_seen DESC, id DESC);
CREATE INDEX plan_history_last_seen_idx ON ${flyway:defaultSchema}.plan_history (last_seen);
