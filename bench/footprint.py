#!/usr/bin/env python3
"""Where the agent's memory goes, on a ../shared/bench cluster.

Starts the packaged agent (target/quarkus-app) with the given JVM flags plus Native Memory Tracking,
times start to ready (/q/health/ready answers 200), lets it poll --polls times, then forces a full
GC and prints: live heap after the full GC, RSS, the NMT summary's committed figures per category,
the thread count, and the agent's CPU per poll (process CPU over the polling window divided by the
polls). Bounded: every wait has a limit; the agent is always stopped.

    python3 bench/footprint.py --cluster 20000 --label lean -- -Xmx48m -XX:+UseSerialGC

--java picks the java binary (and its jcmd). With --no-nmt the agent runs without Native Memory Tracking (whose own ~4 MiB would count in RSS)
and the NMT figures are left out.
"""
import argparse
import json
import os
import re
import signal
import subprocess
import time

from benchlib import agent_env, cluster_port, free_port, wait_ready

JAR = os.environ.get("AGENT_JAR", "target/quarkus-app/quarkus-run.jar")


def rss_kib(pid, field="VmRSS"):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def cpu_s(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def thread_cpu(pid):
    """CPU seconds per thread name (numbers in names folded, so pools add up)."""
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                raw = f.read()
        except OSError:
            continue
        name = re.sub(r"\d+", "N", raw[raw.index("(") + 1:raw.rindex(")")])
        fields = raw.rsplit(")", 1)[1].split()
        out[name] = out.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return out


def threads(pid):
    return len(os.listdir(f"/proc/{pid}/task"))


def poll_calls(pgport):
    """Calls of the agent's poll statement so far, read from the server (no scrape of the agent)."""
    sql = ("SELECT coalesce(sum(calls), 0) FROM pg_stat_statements WHERE userid = 'pgsidecar'::regrole "
           "AND query LIKE '%s.stddev_exec_time%'")
    r = subprocess.run([os.path.join(os.environ.get("PGBIN", "/usr/lib/postgresql/15/bin"), "psql"), "-X", "-At",
                        "-h", "127.0.0.1", "-p", str(pgport), "-U", "postgres", "-d", "bench", "-c", sql],
                       capture_output=True, text=True, timeout=30, check=True)
    return int(r.stdout.strip())


JCMD = "jcmd"


def jcmd(pid, *args):
    return subprocess.run([JCMD, str(pid), *args], capture_output=True, text=True, timeout=60).stdout


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cluster", required=True)
    p.add_argument("--label", default="agent")
    p.add_argument("--interval", default="10s", help="statements interval, in seconds (\"10s\")")
    p.add_argument("--polls", type=int, default=6, help="polls to wait for after the first one")
    p.add_argument("--warmup", type=float, default=0, help="seconds after ready before the window")
    p.add_argument("--env", action="append", default=[], help="extra KEY=VALUE")
    p.add_argument("--no-nmt", action="store_true",
                   help="without Native Memory Tracking (its own ~4 MiB out of RSS); no NMT figures then")
    p.add_argument("--java", default="java", help="the java binary (its jcmd is used beside it)")
    p.add_argument("flags", nargs="*")
    a = p.parse_args()
    global JCMD
    if os.sep in a.java:
        JCMD = os.path.join(os.path.dirname(a.java), "jcmd")
    pgport = cluster_port(a.cluster)
    port = free_port()
    env = agent_env(pgport, port, a.env, PGSIDECAR_STATEMENTS_INTERVAL=a.interval)
    cmd = [a.java, *a.flags, *([] if a.no_nmt else ["-XX:NativeMemoryTracking=summary"]), "-jar", JAR]
    log = open(f"/tmp/footprint-{a.label}.log", "w")
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    out = {"label": a.label, "flags": " ".join(a.flags), "cluster": a.cluster}
    try:
        if not wait_ready(proc, port, 120, 0.05):
            raise SystemExit(f"not ready; see /tmp/footprint-{a.label}.log")
        out["start_to_ready_s"] = round(time.monotonic() - t0, 2)
        seconds = float(a.interval.rstrip("s"))
        time.sleep(max(2 * seconds + 1, a.warmup))  # the first poll sets the baseline, then warm-up
        c0, cpu0, w0, t0 = poll_calls(pgport), cpu_s(proc.pid), time.monotonic(), thread_cpu(proc.pid)
        time.sleep(a.polls * seconds)  # nothing scrapes the agent meanwhile
        c1, cpu1, t1 = poll_calls(pgport), cpu_s(proc.pid), thread_cpu(proc.pid)
        n = c1 - c0
        per = {k: round((v - t0.get(k, 0.0)) * 1000 / max(n, 1), 1) for k, v in t1.items()}
        out["cpu_ms_per_poll_by_thread"] = {k: v for k, v in sorted(per.items(), key=lambda kv: -kv[1]) if v > 0}
        out["polls"] = int(n)
        out["cpu_ms_per_poll"] = round((cpu1 - cpu0) * 1000 / n, 1) if n else None
        out["cpu_s_per_min"] = round((cpu1 - cpu0) * 60 / (time.monotonic() - w0), 3)
        out["rss_mib_before_gc"] = round(rss_kib(proc.pid) / 1024, 1)
        jcmd(proc.pid, "GC.run")
        time.sleep(1)
        info = jcmd(proc.pid, "GC.heap_info")
        # G1 prints one heap line; Serial and Parallel print one line per generation
        used = [int(x) for x in re.findall(r"^\s*(?:garbage-first heap|\S+ generation|PSYoungGen|ParOldGen|"
                                           r"DefNew|Tenured)\b.*?used (\d+)K", info, re.M)]
        if not used:
            out["heap_info"] = info[:400]
        out["heap_used_after_full_gc_mib"] = round(sum(used) / 1024, 1) if used else None
        out["rss_mib"] = round(rss_kib(proc.pid) / 1024, 1)
        # anonymous (heap, metaspace, malloc, stacks) and file-backed (libjvm, the CDS or AOT cache
        # as far as it was touched): both count against a container's memory
        out["rss_anon_mib"] = round(rss_kib(proc.pid, "RssAnon") / 1024, 1)
        out["rss_file_mib"] = round(rss_kib(proc.pid, "RssFile") / 1024, 1)
        out["threads"] = threads(proc.pid)
        nmt = "" if a.no_nmt else jcmd(proc.pid, "VM.native_memory", "summary", "scale=KB")
        m = re.search(r"Total: reserved=\d+KB, committed=(\d+)KB", nmt)
        out["nmt_committed_mib"] = round(int(m.group(1)) / 1024, 1) if m else None
        cats = {}
        for name, committed in re.findall(r"^-\s+(.+?) \(reserved=\d+KB, committed=(\d+)KB\)", nmt, re.M):
            cats[name.strip()] = round(int(committed) / 1024, 1)
        out["nmt"] = dict(sorted(cats.items(), key=lambda kv: -kv[1]))
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
