-- Audit log of admin actions: who asked, what ran, how it ended. Written by io.pgsidecar.audit.
CREATE TABLE ${flyway:defaultSchema}.audit_log (
    id             bigserial   PRIMARY KEY,
    occurred_at    timestamptz NOT NULL DEFAULT now(),
    caller         text        NOT NULL,
    client_address text,
    instance       text        NOT NULL,
    action         text        NOT NULL,
    parameters     jsonb       NOT NULL DEFAULT '{}'::jsonb,
    outcome        text        NOT NULL,
    http_status    integer,
    detail         text,
    duration_ms    bigint      NOT NULL
);

CREATE INDEX audit_log_occurred_at_idx ON ${flyway:defaultSchema}.audit_log (occurred_at);
