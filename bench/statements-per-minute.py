#!/usr/bin/env python3
"""Every statement the agent runs, with its calls and server time per minute, on a ../shared/bench
cluster, from pg_stat_statements itself, beside the floor (the server reading pg_stat_statements).

Starts the packaged agent as the harness does (role pgsidecar, statements polled every --interval),
waits --warmup seconds, reads the pg_stat_statements entries of the agent's role, waits --seconds,
reads them again and lists the difference: calls and milliseconds per minute, mean ms, and the
statement (nothing is reset: a reset would make the agent's entries new, which it may react to). The floor is the harness's: the median of 20 in-server reads of `SELECT count(*) FROM
pg_stat_statements(false)` (a plpgsql loop, as postgres), measured right after the window; "all per poll window"
is the agent's server time in the window divided by its statements polls, and its ratio to the floor
is the goal's figure. The agent is always stopped; every wait is bounded.

    python3 bench/statements-per-minute.py --cluster 20000 --java /usr/lib/jvm/temurin-25-jdk-amd64/bin/java \\
      --jar target/quarkus-app/quarkus-run.jar --seconds 120 -- $FLAGS
"""
import argparse
import os
import signal
import statistics
import subprocess
import time

from benchlib import agent_env, cluster_port, free_port, wait_ready


def psql(pgport, sql):
    # untracked: a statement of this script would be new to the agent, which would read the texts
    # file to show it, and that read would be counted as the agent's
    r = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1",
                        "-p", str(pgport), "-U", "postgres", "-d", "bench",
                        "-c", "SET pg_stat_statements.track = 'none'", "-c", sql],
                       capture_output=True, text=True, timeout=60, check=True)
    return [line.split("\t") for line in r.stdout.splitlines() if line]


def entries(pgport):
    """The agent role's entries: (queryid, toplevel) -> (calls, total ms, text)."""
    out = {}
    for qid, top, calls, total, query in psql(pgport, """
            SELECT queryid, toplevel, calls, total_exec_time, regexp_replace(left(query, 110), '\\s+', ' ', 'g')
              FROM pg_stat_statements
             WHERE userid = (SELECT oid FROM pg_roles WHERE rolname = 'pgsidecar')"""):
        out[(qid, top)] = (int(calls), float(total), query)
    return out


# the harness's own floor (../shared/bench/bench.py, FLOOR_FN): clock_timestamp() around
# SELECT count(*) FROM pg_stat_statements(false) in a plpgsql loop, one warm-up run dropped
FLOOR_FN = """
CREATE SCHEMA IF NOT EXISTS bench_tools;
CREATE OR REPLACE FUNCTION bench_tools.pgss_read_ms(showtext bool, runs int)
RETURNS TABLE (run int, ms float8, nrows bigint) LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz; n bigint;
BEGIN
  FOR i IN 0..runs LOOP
    t0 := clock_timestamp();
    SELECT count(*) INTO n FROM pg_stat_statements(showtext);
    run := i; ms := 1000 * extract(epoch FROM clock_timestamp() - t0); nrows := n;
    IF i > 0 THEN RETURN NEXT; END IF;
  END LOOP;
END $$;
"""


def floor_ms(pgport):
    psql(pgport, FLOOR_FN)
    return statistics.median(float(r[0]) for r in psql(pgport, "SELECT ms FROM bench_tools.pgss_read_ms(false, 20)"))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cluster", required=True)
    p.add_argument("--java", default="java")
    p.add_argument("--jar", default="target/quarkus-app/quarkus-run.jar")
    p.add_argument("--interval", default="10s")
    p.add_argument("--warmup", type=float, default=70)
    p.add_argument("--seconds", type=float, default=120)
    p.add_argument("--env", action="append", default=[], help="extra KEY=VALUE")
    p.add_argument("--poll-prefix", default="SELECT s.userid::bigint, s.queryid",
                   help="the statements poll, by the start of its text")
    p.add_argument("flags", nargs="*")
    a = p.parse_args()
    pgport = cluster_port(a.cluster)
    port = free_port()
    env = agent_env(pgport, port, a.env, PGSIDECAR_STATEMENTS_INTERVAL=a.interval,
                    MALLOC_ARENA_MAX=os.environ.get("MALLOC_ARENA_MAX", "2"))
    log = open("/tmp/statements-per-minute.log", "w")
    proc = subprocess.Popen([a.java, *a.flags, "-jar", a.jar], env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        if not wait_ready(proc, port, 120, 0.1):
            raise SystemExit("not ready; see /tmp/statements-per-minute.log")
        time.sleep(a.warmup)
        w0 = time.monotonic()
        before = entries(pgport)
        time.sleep(a.seconds)
        after = entries(pgport)
        window = time.monotonic() - w0
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
    floor = floor_ms(pgport)
    rows = []
    for key, (calls, total, query) in after.items():
        c0, t0_, _ = before.get(key, (0, 0.0, query))
        if calls > c0:
            rows.append((calls - c0, total - t0_, query))
    rows.sort(key=lambda r: -r[1])
    per_min = 60.0 / window
    total_ms = sum(float(r[1]) for r in rows)
    polls = sum(int(r[0]) for r in rows if a.poll_prefix in r[2])
    print(f"window {window:.0f} s, {len(rows)} statements, {sum(int(r[0]) for r in rows) * per_min:.0f} calls/min, "
          f"{total_ms * per_min:.1f} ms/min; polls {polls}; floor {floor:.2f} ms")
    if polls:
        print(f"all per poll window {total_ms / polls:.2f} ms = {total_ms / polls / floor:.2f}x the floor")
    print(f"{'calls/min':>9} {'ms/min':>9} {'mean ms':>8}  statement")
    for calls, total, query in rows:
        c = int(calls)
        print(f"{c * per_min:9.1f} {float(total) * per_min:9.2f} {float(total) / max(c, 1):8.3f}  {query}")


if __name__ == "__main__":
    main()
