-- Per-interval figures of the top statements, and per-interval totals: the baseline for
-- regressions and what survives a restart of the agent. Written by io.pgsidecar.statements.
CREATE TABLE ${flyway:defaultSchema}.statement_history (
    captured_at       timestamptz      NOT NULL,
    interval_seconds  double precision NOT NULL,
    queryid           bigint           NOT NULL,
    userid            bigint           NOT NULL,
    toplevel          boolean          NOT NULL,
    calls             bigint           NOT NULL,
    total_exec_ms     double precision NOT NULL,
    rows              bigint           NOT NULL,
    shared_blks_hit   bigint           NOT NULL,
    shared_blks_read  bigint           NOT NULL,
    temp_blks_written bigint           NOT NULL,
    PRIMARY KEY (queryid, captured_at, userid, toplevel)
);

CREATE INDEX statement_history_captured_at_idx ON ${flyway:defaultSchema}.statement_history (captured_at);

CREATE TABLE ${flyway:defaultSchema}.statement_totals (
    captured_at      timestamptz      PRIMARY KEY,
    interval_seconds double precision NOT NULL,
    statements       integer          NOT NULL,
    calls            bigint           NOT NULL,
    total_exec_ms    double precision NOT NULL,
    rows             bigint           NOT NULL,
    by_type          jsonb            NOT NULL,
    rebaselined      integer          NOT NULL,
    dealloc          bigint           NOT NULL,
    xact_commit      bigint           NOT NULL,
    xact_rollback    bigint           NOT NULL,
    deadlocks        bigint           NOT NULL,
    conflicts        bigint           NOT NULL,
    temp_files       bigint           NOT NULL,
    temp_bytes       bigint           NOT NULL
);
