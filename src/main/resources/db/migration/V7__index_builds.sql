-- Index builds the agent ran or was asked for: the create endpoint's jobs, and what the analysis
-- reads to show an index's effect (the helped statements' mean time before). Written by io.pgsidecar.indexes.
CREATE TABLE ${flyway:defaultSchema}.index_builds (
    id                bigserial   PRIMARY KEY,
    requested_at      timestamptz NOT NULL,
    started_at        timestamptz,
    ended_at          timestamptz,
    instance          text        NOT NULL,
    caller            text,
    table_name        text        NOT NULL,
    index_name        text        NOT NULL,
    statement         text        NOT NULL,
    recommendation_id text,
    state             text        NOT NULL,
    message           text,
    pid               integer,
    before_means      jsonb       NOT NULL DEFAULT '{}'
);

CREATE INDEX index_builds_requested_at_idx ON ${flyway:defaultSchema}.index_builds (requested_at);
