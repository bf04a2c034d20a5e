-- The latest snapshot of each poller, written by the leader, so followers serve the same figures.
CREATE TABLE ${flyway:defaultSchema}.snapshots (
    kind        text        PRIMARY KEY,
    captured_at timestamptz NOT NULL,
    instance    text        NOT NULL,
    body        jsonb       NOT NULL
);
