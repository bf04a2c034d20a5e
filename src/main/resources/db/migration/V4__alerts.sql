-- Alerts raised by the leader's rule engine. One row per alert lifecycle: a row is pending or
-- firing while the condition holds and becomes the history entry once resolved. A new leader
-- loads the open rows and continues them instead of firing again.
CREATE TABLE ${flyway:defaultSchema}.alerts (
    id            bigserial   PRIMARY KEY,
    fingerprint   text        NOT NULL,
    alertname     text        NOT NULL,
    severity      text        NOT NULL,
    labels        jsonb       NOT NULL,
    summary       text        NOT NULL,
    description   text        NOT NULL,
    value         double precision,
    threshold     double precision,
    state         text        NOT NULL CHECK (state IN ('pending', 'firing', 'resolved')),
    pending_since timestamptz NOT NULL,
    firing_since  timestamptz,
    resolved_at   timestamptz,
    updated_at    timestamptz NOT NULL
);
-- At most one open lifecycle per alert identity.
CREATE UNIQUE INDEX alerts_open_fingerprint ON ${flyway:defaultSchema}.alerts (fingerprint)
    WHERE state <> 'resolved';
CREATE INDEX alerts_resolved_at ON ${flyway:defaultSchema}.alerts (resolved_at) WHERE state = 'resolved';

-- Silences: matching alerts stay visible in the API but are not notified.
CREATE TABLE ${flyway:defaultSchema}.alert_silences (
    id         bigserial   PRIMARY KEY,
    matchers   jsonb       NOT NULL,
    starts_at  timestamptz NOT NULL,
    ends_at    timestamptz NOT NULL,
    comment    text        NOT NULL,
    created_by text        NOT NULL,
    created_at timestamptz NOT NULL
);
CREATE INDEX alert_silences_ends_at ON ${flyway:defaultSchema}.alert_silences (ends_at);
