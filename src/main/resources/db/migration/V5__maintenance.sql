-- Maintenance runs and their items, written by io.pgsidecar.maintenance. A run is one execution of
-- one task (scheduled, manual or from the CLI); its items are the statements it ran or would run.
CREATE TABLE ${flyway:defaultSchema}.maintenance_runs (
    id               bigserial   PRIMARY KEY,
    task             text        NOT NULL,
    trigger          text        NOT NULL CHECK (trigger IN ('scheduled', 'manual', 'cli')),
    instance         text        NOT NULL,
    requested_by     text,
    reason           text,
    started_at       timestamptz NOT NULL,
    finished_at      timestamptz,
    heartbeat_at     timestamptz NOT NULL,
    backend_pid      integer,
    cancel_requested boolean     NOT NULL DEFAULT false,
    outcome          text        NOT NULL CHECK (outcome IN ('running', 'ok', 'partial', 'failed', 'skipped',
                                                             'cancelled', 'missed', 'interrupted')),
    error            text,
    items_done       integer     NOT NULL DEFAULT 0,
    items_skipped    integer     NOT NULL DEFAULT 0,
    items_failed     integer     NOT NULL DEFAULT 0
);
-- At most one running run per task: the per-task advisory lock says so too, this keeps the table honest.
CREATE UNIQUE INDEX maintenance_runs_one_running ON ${flyway:defaultSchema}.maintenance_runs (task)
    WHERE outcome = 'running';
CREATE INDEX maintenance_runs_task_started ON ${flyway:defaultSchema}.maintenance_runs (task, started_at DESC);
CREATE INDEX maintenance_runs_started ON ${flyway:defaultSchema}.maintenance_runs (started_at);

CREATE TABLE ${flyway:defaultSchema}.maintenance_items (
    run_id        bigint      NOT NULL REFERENCES ${flyway:defaultSchema}.maintenance_runs (id) ON DELETE CASCADE,
    seq           integer     NOT NULL,
    target        text        NOT NULL,
    action        text        NOT NULL,
    sql           text        NOT NULL,
    started_at    timestamptz,
    duration_ms   bigint,
    rows_affected bigint,
    outcome       text        NOT NULL CHECK (outcome IN ('ok', 'skipped', 'failed', 'cancelled')),
    reason        text,
    PRIMARY KEY (run_id, seq)
);
