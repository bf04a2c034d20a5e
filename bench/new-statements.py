#!/usr/bin/env python3
"""Keeps new query ids appearing in a ../shared/bench cluster, as on a real database.

Every --interval seconds it runs --per-interval statements whose shapes were never run before
(distinct select lists of the harness's bench_shapes_0 table, numbered from --start upwards), as
role `postgres`, so their cost is not counted as the agent's DB time. It stops after --seconds.

    python3 bench/new-statements.py --cluster 20000 --per-interval 50 --interval 10 --seconds 120
"""
import argparse
import json
import os
import subprocess
import time

SHAPE_COLS = 16


def shape(i):
    cols = ", ".join(f"attr_{b:02d}" for b in range(SHAPE_COLS) if i >> b & 1)
    return f"SELECT {cols} FROM bench_shapes_0 WHERE id = {i % 97} /* new-statements {i} */;\n"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cluster", required=True, help="cluster name given to pg-up.sh")
    p.add_argument("--per-interval", type=int, default=50)
    p.add_argument("--interval", type=float, default=10)
    p.add_argument("--seconds", type=float, default=120)
    p.add_argument("--start", type=int, default=40000, help="first select-list bitmask (below 65536)")
    a = p.parse_args()
    scratch = os.environ.get("BENCH_SCRATCH", "/tmp/bench")
    with open(os.path.join(scratch, f"pg-{a.cluster}", "state.json")) as f:
        port = json.load(f)["port"]
    psql = [os.path.join(os.environ.get("PGBIN", "/usr/lib/postgresql/15/bin"), "psql"), "-X", "-q",
            "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-d", "bench", "-v", "ON_ERROR_STOP=1", "-o", "/dev/null"]
    end = time.monotonic() + a.seconds
    i = a.start
    batches = 0
    while time.monotonic() < end and i + a.per_interval < 65536:
        started = time.monotonic()
        sql = "".join(shape(i + k) for k in range(a.per_interval))
        i += a.per_interval
        subprocess.run(psql, input=sql, text=True, check=True, env=dict(os.environ, PGAPPNAME="bench-new"))
        batches += 1
        time.sleep(max(0.0, min(a.interval - (time.monotonic() - started), end - time.monotonic())))
    print(json.dumps({"batches": batches, "statements": batches * a.per_interval, "next": i}))


if __name__ == "__main__":
    main()
