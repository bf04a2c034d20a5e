#!/usr/bin/env python3
"""Start to ready of the packaged agent, several starts in a row, on a ../shared/bench cluster.

Each start: launch `java FLAGS -jar JAR` against the cluster, poll /q/health/ready every 20 ms until
it answers 200 (at most 30 s), stop the agent (SIGTERM, so its leader lock goes with it) and wait a
second before the next. Prints every start's seconds and the median.

    python3 bench/startup.py --cluster 20000 --runs 7 --jar target/quarkus-app/quarkus-run.jar -- $FLAGS

Several ways of starting, measured in turns (one start of each per round, so a slow minute of the
machine falls on all of them alike): `--variant 'LABEL|JAVA|JAR|EXTRA FLAGS'`, repeated. JAVA is the
java binary, EXTRA FLAGS go after the common FLAGS (an AOT cache, say):

    python3 bench/startup.py --cluster 20000 --runs 7 \\
      --variant 'jdk17|java|/tmp/app-fast/quarkus-run.jar|' \\
      --variant 'jdk25-aot|/usr/lib/jvm/temurin-25-jdk-amd64/bin/java|/tmp/app-aot/quarkus-run.jar|-XX:AOTCache=/tmp/app-aot/app.aot' \\
      -- $FLAGS
"""
import argparse
import os
import statistics
import subprocess
import time

from benchlib import agent_env, cluster_port, free_port, wait_ready


def start_once(java, flags, jar, pgport):
    port = free_port()
    env = agent_env(pgport, port, MALLOC_ARENA_MAX=os.environ.get("MALLOC_ARENA_MAX", "2"))
    t0 = time.perf_counter()
    proc = subprocess.Popen([java, *flags, "-jar", jar], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        ready = time.perf_counter() - t0 if wait_ready(proc, port, 30, 0.02, timeout_s=1) else None
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
    return ready


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cluster", required=True)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--jar", default="target/quarkus-app/quarkus-run.jar")
    p.add_argument("--java", default="java")
    p.add_argument("--variant", action="append", default=[],
                   help="LABEL|JAVA|JAR|EXTRA FLAGS; repeated, measured in turns")
    p.add_argument("flags", nargs="*")
    a = p.parse_args()
    pgport = cluster_port(a.cluster)
    variants = []
    for v in a.variant:
        label, java, jar, extra = (v.split("|", 3) + ["", "", ""])[:4]
        variants.append((label, java or "java", jar or a.jar, extra.split()))
    if not variants:
        variants = [("", a.java, a.jar, [])]
    times = {label: [] for label, _, _, _ in variants}
    for _ in range(a.runs):
        for label, java, jar, extra in variants:
            times[label].append(start_once(java, [*a.flags, *extra], jar, pgport))
            time.sleep(1)
    for label, ts in times.items():
        ok = [t for t in ts if t is not None]
        print((label + " " if label else "") + "ready s:", [round(t, 2) if t is not None else None for t in ts],
              "median", round(statistics.median(ok), 2) if ok else None)


if __name__ == "__main__":
    main()
