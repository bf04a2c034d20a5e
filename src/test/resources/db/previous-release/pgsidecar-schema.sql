-- Schema pgsidecar as the previous release's migrator (commit d76e9ea, before Flyway came back)
-- left it on a new database: pg_dump 15 --schema=pgsidecar --inserts --no-owner --no-privileges,
-- psql's \restrict lines removed. PreviousReleaseSchemaIT and SchemaMigrationIT restore it and
-- start the agent on it. Never regenerate it: it stands for databases that exist.
--
-- PostgreSQL database dump
--


-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: pgsidecar; Type: SCHEMA; Schema: -; Owner: -
--

CREATE SCHEMA pgsidecar;


--
-- Name: partman_parents(); Type: FUNCTION; Schema: pgsidecar; Owner: -
--

CREATE FUNCTION pgsidecar.partman_parents() RETURNS SETOF text
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog'
    AS $$
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


SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: alert_silences; Type: TABLE; Schema: pgsidecar; Owner: -
--

CREATE TABLE pgsidecar.alert_silences (
    id bigint NOT NULL,
    matchers jsonb NOT NULL,
    starts_at timestamp with time zone NOT NULL,
    ends_at timestamp with time zone NOT NULL,
    comment text NOT NULL,
    created_by text NOT NULL,
    created_at timestamp with time zone NOT NULL
);


--
-- Name: alert_silences_id_seq; Type: SEQUENCE; Schema: pgsidecar; Owner: -
--

CREATE SEQUENCE pgsidecar.alert_silences_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: alert_silences_id_seq; Type: SEQUENCE OWNED BY; Schema: pgsidecar; Owner: -
--

ALTER SEQUENCE pgsidecar.alert_silences_id_seq OWNED BY pgsidecar.alert_silences.id;


--
-- Name: alerts; Type: TABLE; Schema: pgsidecar; Owner: -
--

CREATE TABLE pgsidecar.alerts (
    id bigint NOT NULL,
    fingerprint text NOT NULL,
    alertname text NOT NULL,
    severity text NOT NULL,
    labels jsonb NOT NULL,
    summary text NOT NULL,
    description text NOT NULL,
    value double precision,
    threshold double precision,
    state text NOT NULL,
    pending_since timestamp with time zone NOT NULL,
    firing_since timestamp with time zone,
    resolved_at timestamp with time zone,
    updated_at timestamp with time zone NOT NULL,
    CONSTRAINT alerts_state_check CHECK ((state = ANY (ARRAY['pending'::text, 'firing'::text, 'resolved'::text])))
);


--
-- Name: alerts_id_seq; Type: SEQUENCE; Schema: pgsidecar; Owner: -
--

CREATE SEQUENCE pgsidecar.alerts_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: alerts_id_seq; Type: SEQUENCE OWNED BY; Schema: pgsidecar; Owner: -
--

ALTER SEQUENCE pgsidecar.alerts_id_seq OWNED BY pgsidecar.alerts.id;


--
-- Name: audit_log; Type: TABLE; Schema: pgsidecar; Owner: -
--

CREATE TABLE pgsidecar.audit_log (
    id bigint NOT NULL,
    occurred_at timestamp with time zone DEFAULT now() NOT NULL,
    caller text NOT NULL,
    client_address text,
    instance text NOT NULL,
    action text NOT NULL,
    parameters jsonb DEFAULT '{}'::jsonb NOT NULL,
    outcome text NOT NULL,
    http_status integer,
    detail text,
    duration_ms bigint NOT NULL
);


--
-- Name: audit_log_id_seq; Type: SEQUENCE; Schema: pgsidecar; Owner: -
--

CREATE SEQUENCE pgsidecar.audit_log_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: audit_log_id_seq; Type: SEQUENCE OWNED BY; Schema: pgsidecar; Owner: -
--

ALTER SEQUENCE pgsidecar.audit_log_id_seq OWNED BY pgsidecar.audit_log.id;


--
-- Name: index_builds; Type: TABLE; Schema: pgsidecar; Owner: -
--

CREATE TABLE pgsidecar.index_builds (
    id bigint NOT NULL,
    requested_at timestamp with time zone NOT NULL,
    started_at timestamp with time zone,
    ended_at timestamp with time zone,
    instance text NOT NULL,
    caller text,
    table_name text NOT NULL,
    index_name text NOT NULL,
    statement text NOT NULL,
    recommendation_id text,
    state text NOT NULL,
    message text,
    pid integer,
    before_means jsonb DEFAULT '{}'::jsonb NOT NULL
);


--
-- Name: index_builds_id_seq; Type: SEQUENCE; Schema: pgsidecar; Owner: -
--

CREATE SEQUENCE pgsidecar.index_builds_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: index_builds_id_seq; Type: SEQUENCE OWNED BY; Schema: pgsidecar; Owner: -
--

ALTER SEQUENCE pgsidecar.index_builds_id_seq OWNED BY pgsidecar.index_builds.id;


--
-- Name: maintenance_items; Type: TABLE; Schema: pgsidecar; Owner: -
--

CREATE TABLE pgsidecar.maintenance_items (
    run_id bigint NOT NULL,
    seq integer NOT NULL,
    target text NOT NULL,
    action text NOT NULL,
    sql text NOT NULL,
    started_at timestamp with time zone,
    duration_ms bigint,
    rows_affected bigint,
    outcome text NOT NULL,
    reason text,
    CONSTRAINT maintenance_items_outcome_check CHECK ((outcome = ANY (ARRAY['ok'::text, 'skipped'::text, 'failed'::text, 'cancelled'::text])))
);


--
-- Name: maintenance_runs; Type: TABLE; Schema: pgsidecar; Owner: -
--

CREATE TABLE pgsidecar.maintenance_runs (
    id bigint NOT NULL,
    task text NOT NULL,
    trigger text NOT NULL,
    instance text NOT NULL,
    requested_by text,
    reason text,
    started_at timestamp with time zone NOT NULL,
    finished_at timestamp with time zone,
    heartbeat_at timestamp with time zone NOT NULL,
    backend_pid integer,
    cancel_requested boolean DEFAULT false NOT NULL,
    outcome text NOT NULL,
    error text,
    items_done integer DEFAULT 0 NOT NULL,
    items_skipped integer DEFAULT 0 NOT NULL,
    items_failed integer DEFAULT 0 NOT NULL,
    CONSTRAINT maintenance_runs_outcome_check CHECK ((outcome = ANY (ARRAY['running'::text, 'ok'::text, 'partial'::text, 'failed'::text, 'skipped'::text, 'cancelled'::text, 'missed'::text, 'interrupted'::text]))),
    CONSTRAINT maintenance_runs_trigger_check CHECK ((trigger = ANY (ARRAY['scheduled'::text, 'manual'::text, 'cli'::text])))
);


--
-- Name: maintenance_runs_id_seq; Type: SEQUENCE; Schema: pgsidecar; Owner: -
--

CREATE SEQUENCE pgsidecar.maintenance_runs_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: maintenance_runs_id_seq; Type: SEQUENCE OWNED BY; Schema: pgsidecar; Owner: -
--

ALTER SEQUENCE pgsidecar.maintenance_runs_id_seq OWNED BY pgsidecar.maintenance_runs.id;


--
-- Name: partition_jobs; Type: TABLE; Schema: pgsidecar; Owner: -
--

CREATE TABLE pgsidecar.partition_jobs (
    id bigint NOT NULL,
    parent text NOT NULL,
    trigger text NOT NULL,
    instance text NOT NULL,
    started_at timestamp with time zone NOT NULL,
    finished_at timestamp with time zone NOT NULL,
    outcome text NOT NULL,
    created integer DEFAULT 0 NOT NULL,
    detached integer DEFAULT 0 NOT NULL,
    dropped integer DEFAULT 0 NOT NULL,
    runway integer,
    default_rows bigint,
    newest text,
    message text,
    CONSTRAINT partition_jobs_outcome_check CHECK ((outcome = ANY (ARRAY['ok'::text, 'blocked'::text, 'failed'::text]))),
    CONSTRAINT partition_jobs_trigger_check CHECK ((trigger = ANY (ARRAY['scheduled'::text, 'manual'::text])))
);


--
-- Name: partition_jobs_id_seq; Type: SEQUENCE; Schema: pgsidecar; Owner: -
--

CREATE SEQUENCE pgsidecar.partition_jobs_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: partition_jobs_id_seq; Type: SEQUENCE OWNED BY; Schema: pgsidecar; Owner: -
--

ALTER SEQUENCE pgsidecar.partition_jobs_id_seq OWNED BY pgsidecar.partition_jobs.id;


--
-- Name: pgsidecar_schema_history; Type: TABLE; Schema: pgsidecar; Owner: -
--

CREATE TABLE pgsidecar.pgsidecar_schema_history (
    installed_rank integer NOT NULL,
    version character varying(50),
    description character varying(200) NOT NULL,
    type character varying(20) NOT NULL,
    script character varying(1000) NOT NULL,
    checksum integer,
    installed_by character varying(100) NOT NULL,
    installed_on timestamp without time zone DEFAULT now() NOT NULL,
    execution_time integer NOT NULL,
    success boolean NOT NULL
);


--
-- Name: snapshots; Type: TABLE; Schema: pgsidecar; Owner: -
--

CREATE TABLE pgsidecar.snapshots (
    kind text NOT NULL,
    captured_at timestamp with time zone NOT NULL,
    instance text NOT NULL,
    body jsonb NOT NULL
);


--
-- Name: statement_history; Type: TABLE; Schema: pgsidecar; Owner: -
--

CREATE TABLE pgsidecar.statement_history (
    captured_at timestamp with time zone NOT NULL,
    interval_seconds double precision NOT NULL,
    queryid bigint NOT NULL,
    userid bigint NOT NULL,
    toplevel boolean NOT NULL,
    calls bigint NOT NULL,
    total_exec_ms double precision NOT NULL,
    rows bigint NOT NULL,
    shared_blks_hit bigint NOT NULL,
    shared_blks_read bigint NOT NULL,
    temp_blks_written bigint NOT NULL
);


--
-- Name: statement_totals; Type: TABLE; Schema: pgsidecar; Owner: -
--

CREATE TABLE pgsidecar.statement_totals (
    captured_at timestamp with time zone NOT NULL,
    interval_seconds double precision NOT NULL,
    statements integer NOT NULL,
    calls bigint NOT NULL,
    total_exec_ms double precision NOT NULL,
    rows bigint NOT NULL,
    by_type jsonb NOT NULL,
    rebaselined integer NOT NULL,
    dealloc bigint NOT NULL,
    xact_commit bigint NOT NULL,
    xact_rollback bigint NOT NULL,
    deadlocks bigint NOT NULL,
    conflicts bigint NOT NULL,
    temp_files bigint NOT NULL,
    temp_bytes bigint NOT NULL
);


--
-- Name: alert_silences id; Type: DEFAULT; Schema: pgsidecar; Owner: -
--

ALTER TABLE ONLY pgsidecar.alert_silences ALTER COLUMN id SET DEFAULT nextval('pgsidecar.alert_silences_id_seq'::regclass);


--
-- Name: alerts id; Type: DEFAULT; Schema: pgsidecar; Owner: -
--

ALTER TABLE ONLY pgsidecar.alerts ALTER COLUMN id SET DEFAULT nextval('pgsidecar.alerts_id_seq'::regclass);


--
-- Name: audit_log id; Type: DEFAULT; Schema: pgsidecar; Owner: -
--

ALTER TABLE ONLY pgsidecar.audit_log ALTER COLUMN id SET DEFAULT nextval('pgsidecar.audit_log_id_seq'::regclass);


--
-- Name: index_builds id; Type: DEFAULT; Schema: pgsidecar; Owner: -
--

ALTER TABLE ONLY pgsidecar.index_builds ALTER COLUMN id SET DEFAULT nextval('pgsidecar.index_builds_id_seq'::regclass);


--
-- Name: maintenance_runs id; Type: DEFAULT; Schema: pgsidecar; Owner: -
--

ALTER TABLE ONLY pgsidecar.maintenance_runs ALTER COLUMN id SET DEFAULT nextval('pgsidecar.maintenance_runs_id_seq'::regclass);


--
-- Name: partition_jobs id; Type: DEFAULT; Schema: pgsidecar; Owner: -
--

ALTER TABLE ONLY pgsidecar.partition_jobs ALTER COLUMN id SET DEFAULT nextval('pgsidecar.partition_jobs_id_seq'::regclass);


--
-- Data for Name: alert_silences; Type: TABLE DATA; Schema: pgsidecar; Owner: -
--



--
-- Data for Name: alerts; Type: TABLE DATA; Schema: pgsidecar; Owner: -
--



--
-- Data for Name: audit_log; Type: TABLE DATA; Schema: pgsidecar; Owner: -
--



--
-- Data for Name: index_builds; Type: TABLE DATA; Schema: pgsidecar; Owner: -
--



--
-- Data for Name: maintenance_items; Type: TABLE DATA; Schema: pgsidecar; Owner: -
--



--
-- Data for Name: maintenance_runs; Type: TABLE DATA; Schema: pgsidecar; Owner: -
--



--
-- Data for Name: partition_jobs; Type: TABLE DATA; Schema: pgsidecar; Owner: -
--



--
-- Data for Name: pgsidecar_schema_history; Type: TABLE DATA; Schema: pgsidecar; Owner: -
--

INSERT INTO pgsidecar.pgsidecar_schema_history VALUES (0, NULL, '<< Flyway Schema Creation >>', 'SCHEMA', '"pgsidecar"', NULL, 'postgres', '2026-12-05 17:53:51.830379', 0, true);
INSERT INTO pgsidecar.pgsidecar_schema_history VALUES (1, '1', 'audit log', 'SQL', 'db/migration/V1__audit_log.sql', -2100045413, 'postgres', '2026-12-05 17:53:51.856305', 10, true);
INSERT INTO pgsidecar.pgsidecar_schema_history VALUES (2, '2', 'statement history', 'SQL', 'db/migration/V2__statement_history.sql', -86169663, 'postgres', '2026-12-05 17:53:51.867411', 3, true);
INSERT INTO pgsidecar.pgsidecar_schema_history VALUES (3, '3', 'snapshots', 'SQL', 'db/migration/V3__snapshots.sql', -1402190937, 'postgres', '2026-12-05 17:53:51.872969', 1, true);
INSERT INTO pgsidecar.pgsidecar_schema_history VALUES (4, '4', 'alerts', 'SQL', 'db/migration/V4__alerts.sql', -1314205435, 'postgres', '2026-12-05 17:53:51.876074', 5, true);
INSERT INTO pgsidecar.pgsidecar_schema_history VALUES (5, '5', 'maintenance', 'SQL', 'db/migration/V5__maintenance.sql', 1031200996, 'postgres', '2026-12-05 17:53:51.886757', 6, true);
INSERT INTO pgsidecar.pgsidecar_schema_history VALUES (6, '6', 'partitions', 'SQL', 'db/migration/V6__partitions.sql', 928839074, 'postgres', '2026-12-05 17:53:51.899454', 15, true);
INSERT INTO pgsidecar.pgsidecar_schema_history VALUES (7, '7', 'index builds', 'SQL', 'db/migration/V7__index_builds.sql', 1340115348, 'postgres', '2026-12-05 17:53:51.915893', 7, true);


--
-- Data for Name: snapshots; Type: TABLE DATA; Schema: pgsidecar; Owner: -
--



--
-- Data for Name: statement_history; Type: TABLE DATA; Schema: pgsidecar; Owner: -
--



--
-- Data for Name: statement_totals; Type: TABLE DATA; Schema: pgsidecar; Owner: -
--



--
-- Name: alert_silences_id_seq; Type: SEQUENCE SET; Schema: pgsidecar; Owner: -
--

SELECT pg_catalog.setval('pgsidecar.alert_silences_id_seq', 1, false);


--
-- Name: alerts_id_seq; Type: SEQUENCE SET; Schema: pgsidecar; Owner: -
--

SELECT pg_catalog.setval('pgsidecar.alerts_id_seq', 1, false);


--
-- Name: audit_log_id_seq; Type: SEQUENCE SET; Schema: pgsidecar; Owner: -
--

SELECT pg_catalog.setval('pgsidecar.audit_log_id_seq', 1, false);


--
-- Name: index_builds_id_seq; Type: SEQUENCE SET; Schema: pgsidecar; Owner: -
--

SELECT pg_catalog.setval('pgsidecar.index_builds_id_seq', 1, false);


--
-- Name: maintenance_runs_id_seq; Type: SEQUENCE SET; Schema: pgsidecar; Owner: -
--

SELECT pg_catalog.setval('pgsidecar.maintenance_runs_id_seq', 1, false);


--
-- Name: partition_jobs_id_seq; Type: SEQUENCE SET; Schema: pgsidecar; Owner: -
--

SELECT pg_catalog.setval('pgsidecar.partition_jobs_id_seq', 1, false);


--
-- Name: alert_silences alert_silences_pkey; Type: CONSTRAINT; Schema: pgsidecar; Owner: -
--

ALTER TABLE ONLY pgsidecar.alert_silences
    ADD CONSTRAINT alert_silences_pkey PRIMARY KEY (id);


--
-- Name: alerts alerts_pkey; Type: CONSTRAINT; Schema: pgsidecar; Owner: -
--

ALTER TABLE ONLY pgsidecar.alerts
    ADD CONSTRAINT alerts_pkey PRIMARY KEY (id);


--
-- Name: audit_log audit_log_pkey; Type: CONSTRAINT; Schema: pgsidecar; Owner: -
--

ALTER TABLE ONLY pgsidecar.audit_log
    ADD CONSTRAINT audit_log_pkey PRIMARY KEY (id);


--
-- Name: index_builds index_builds_pkey; Type: CONSTRAINT; Schema: pgsidecar; Owner: -
--

ALTER TABLE ONLY pgsidecar.index_builds
    ADD CONSTRAINT index_builds_pkey PRIMARY KEY (id);


--
-- Name: maintenance_items maintenance_items_pkey; Type: CONSTRAINT; Schema: pgsidecar; Owner: -
--

ALTER TABLE ONLY pgsidecar.maintenance_items
    ADD CONSTRAINT maintenance_items_pkey PRIMARY KEY (run_id, seq);


--
-- Name: maintenance_runs maintenance_runs_pkey; Type: CONSTRAINT; Schema: pgsidecar; Owner: -
--

ALTER TABLE ONLY pgsidecar.maintenance_runs
    ADD CONSTRAINT maintenance_runs_pkey PRIMARY KEY (id);


--
-- Name: partition_jobs partition_jobs_pkey; Type: CONSTRAINT; Schema: pgsidecar; Owner: -
--

ALTER TABLE ONLY pgsidecar.partition_jobs
    ADD CONSTRAINT partition_jobs_pkey PRIMARY KEY (id);


--
-- Name: pgsidecar_schema_history pgsidecar_schema_history_pk; Type: CONSTRAINT; Schema: pgsidecar; Owner: -
--

ALTER TABLE ONLY pgsidecar.pgsidecar_schema_history
    ADD CONSTRAINT pgsidecar_schema_history_pk PRIMARY KEY (installed_rank);


--
-- Name: snapshots snapshots_pkey; Type: CONSTRAINT; Schema: pgsidecar; Owner: -
--

ALTER TABLE ONLY pgsidecar.snapshots
    ADD CONSTRAINT snapshots_pkey PRIMARY KEY (kind);


--
-- Name: statement_history statement_history_pkey; Type: CONSTRAINT; Schema: pgsidecar; Owner: -
--

ALTER TABLE ONLY pgsidecar.statement_history
    ADD CONSTRAINT statement_history_pkey PRIMARY KEY (queryid, captured_at, userid, toplevel);


--
-- Name: statement_totals statement_totals_pkey; Type: CONSTRAINT; Schema: pgsidecar; Owner: -
--

ALTER TABLE ONLY pgsidecar.statement_totals
    ADD CONSTRAINT statement_totals_pkey PRIMARY KEY (captured_at);


--
-- Name: alert_silences_ends_at; Type: INDEX; Schema: pgsidecar; Owner: -
--

CREATE INDEX alert_silences_ends_at ON pgsidecar.alert_silences USING btree (ends_at);


--
-- Name: alerts_open_fingerprint; Type: INDEX; Schema: pgsidecar; Owner: -
--

CREATE UNIQUE INDEX alerts_open_fingerprint ON pgsidecar.alerts USING btree (fingerprint) WHERE (state <> 'resolved'::text);


--
-- Name: alerts_resolved_at; Type: INDEX; Schema: pgsidecar; Owner: -
--

CREATE INDEX alerts_resolved_at ON pgsidecar.alerts USING btree (resolved_at) WHERE (state = 'resolved'::text);


--
-- Name: audit_log_occurred_at_idx; Type: INDEX; Schema: pgsidecar; Owner: -
--

CREATE INDEX audit_log_occurred_at_idx ON pgsidecar.audit_log USING btree (occurred_at);


--
-- Name: index_builds_requested_at_idx; Type: INDEX; Schema: pgsidecar; Owner: -
--

CREATE INDEX index_builds_requested_at_idx ON pgsidecar.index_builds USING btree (requested_at);


--
-- Name: maintenance_runs_one_running; Type: INDEX; Schema: pgsidecar; Owner: -
--

CREATE UNIQUE INDEX maintenance_runs_one_running ON pgsidecar.maintenance_runs USING btree (task) WHERE (outcome = 'running'::text);


--
-- Name: maintenance_runs_started; Type: INDEX; Schema: pgsidecar; Owner: -
--

CREATE INDEX maintenance_runs_started ON pgsidecar.maintenance_runs USING btree (started_at);


--
-- Name: maintenance_runs_task_started; Type: INDEX; Schema: pgsidecar; Owner: -
--

CREATE INDEX maintenance_runs_task_started ON pgsidecar.maintenance_runs USING btree (task, started_at DESC);


--
-- Name: partition_jobs_parent_started; Type: INDEX; Schema: pgsidecar; Owner: -
--

CREATE INDEX partition_jobs_parent_started ON pgsidecar.partition_jobs USING btree (parent, started_at DESC);


--
-- Name: partition_jobs_started; Type: INDEX; Schema: pgsidecar; Owner: -
--

CREATE INDEX partition_jobs_started ON pgsidecar.partition_jobs USING btree (started_at);


--
-- Name: pgsidecar_schema_history_s_idx; Type: INDEX; Schema: pgsidecar; Owner: -
--

CREATE INDEX pgsidecar_schema_history_s_idx ON pgsidecar.pgsidecar_schema_history USING btree (success);


--
-- Name: statement_history_captured_at_idx; Type: INDEX; Schema: pgsidecar; Owner: -
--

CREATE INDEX statement_history_captured_at_idx ON pgsidecar.statement_history USING btree (captured_at);


--
-- Name: maintenance_items maintenance_items_run_id_fkey; Type: FK CONSTRAINT; Schema: pgsidecar; Owner: -
--

ALTER TABLE ONLY pgsidecar.maintenance_items
    ADD CONSTRAINT maintenance_items_run_id_fkey FOREIGN KEY (run_id) REFERENCES pgsidecar.maintenance_runs(id) ON DELETE CASCADE;


--
-- PostgreSQL database dump complete
--


