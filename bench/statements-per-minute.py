#!/usr/bin/env python3
"""Every statement the agent runs, with its calls and server time per minute, on a ../shared/bench
cluster, from pg_stat_statements itself, beside the floor (the server reading pg_stat_statements).

Starts the packaged agent as the harness does (role pgsidecar, statements polled every --interval),
waits --warmup seconds, resets the pg_stat_statements entries of the agent's role only, waits
--seconds, then lists that role's entries: calls and milliseconds per minute, mean ms, and the
statement. The floor is the median execution time of `SELECT count(*) FROM pg_stat_statements(false)`
over 7 runs (EXPLAIN ANALYZE, as postgres), measured right after the window; "all per poll window"
is the agent's server time in the window divided by its statements polls, and its ratio to the floor
is the goal's figure. The agent is always stopped; every wait is bounded.

    python3 bench/statements-per-minute.py --cluster 20000 --java /usr/lib/jvm/temurin-25-jdk-amd64/bin/java \\
      --jar target/quarkus-app/quarkus-run.jar --seconds 120 -- $FLAGS
"""
import argparse
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import time
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ready(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/q/health/ready", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


def psql(pgport, sql):
    r = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1",
                        "-p", str(pgport), "-U", "postgres", "-d", "bench", "-c", sql],
                       capture_output=True, text=True, timeout=60, check=True)
    return [line.split("\t") for line in r.stdout.splitlines() if line]


def floor_ms(pgport):
    times = []
    for _ in range(7):
        out = psql(pgport, "EXPLAIN (ANALYZE, TIMING OFF) SELECT count(*) FROM pg_stat_statements(false)")
        m = re.search(r"Execution Time: ([0-9.]+) ms", "\n".join(r[0] for r in out))
        times.append(float(m.group(1)))
    return statistics.median(times)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cluster", required=True)
    p.add_argument("--java", default="java")
    p.add_argument("--jar", default="target/quarkus-app/quarkus-run.jar")
    p.add_argument("--interval", default="10s")
    p.add_argument("--warmup", type=float, default=70)
    p.add_argument("--seconds", type=float, default=120)
    p.add_argument("--env", action="append", default=[], help="extra KEY=VALUE")
    p.add_argument("flags", nargs="*")
    a = p.parse_args()
    scratch = os.environ.get("BENCH_SCRATCH", "/tmp/bench")
    with open(os.path.join(scratch, f"pg-{a.cluster}", "state.json")) as f:
        pgport = json.load(f)["port"]
    port = free_port()
    env = dict(os.environ, DATABASE_URL=f"postgresql://pgsidecar@127.0.0.1:{pgport}/bench",
               QUARKUS_HTTP_PORT=str(port), PGSIDECAR_STATEMENTS_INTERVAL=a.interval,
               MALLOC_ARENA_MAX=os.environ.get("MALLOC_ARENA_MAX", "2"))
    for kv in a.env:
        k, v = kv.split("=", 1)
        env[k] = v
    log = open("/tmp/statements-per-minute.log", "w")
    proc = subprocess.Popen([a.java, *a.flags, "-jar", a.jar], env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        t0 = time.monotonic()
        while not ready(port):
            if time.monotonic() - t0 > 120 or proc.poll() is not None:
                raise SystemExit("not ready; see /tmp/statements-per-minute.log")
            time.sleep(0.1)
        time.sleep(a.warmup)
        psql(pgport, "SELECT pg_stat_statements_reset((SELECT oid FROM pg_roles WHERE rolname = 'pgsidecar'))")
        w0 = time.monotonic()
        time.sleep(a.seconds)
        rows = psql(pgport, """
            SELECT calls, total_exec_time, regexp_replace(left(query, 110), '\\s+', ' ', 'g')
              FROM pg_stat_statements
             WHERE userid = (SELECT oid FROM pg_roles WHERE rolname = 'pgsidecar')
             ORDER BY total_exec_time DESC""")
        window = time.monotonic() - w0
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
    floor = floor_ms(pgport)
    per_min = 60.0 / window
    total_ms = sum(float(r[1]) for r in rows)
    polls = sum(int(r[0]) for r in rows if "stddev_exec_time" in r[2] and "pg_stat_statements" in r[2])
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
