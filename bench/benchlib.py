"""What the bench scripts share: a ../shared/bench cluster's port, a free port for the agent, the
agent's environment, and waiting (bounded) until it is ready."""
import json
import os
import socket
import time
import urllib.request


def cluster_port(cluster):
    """The port of the cluster `../shared/bench/pg-up.sh --name CLUSTER` started."""
    scratch = os.environ.get("BENCH_SCRATCH", "/tmp/bench")
    with open(os.path.join(scratch, f"pg-{cluster}", "state.json")) as f:
        return json.load(f)["port"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def agent_env(pgport, http_port, extra=(), **settings):
    """The agent's environment: the cluster's bench database as the harness's role, its HTTP port,
    SETTINGS (NAME=value), then the KEY=VALUE strings of EXTRA over them."""
    env = dict(os.environ, DATABASE_URL=f"postgresql://pgsidecar@127.0.0.1:{pgport}/bench",
               QUARKUS_HTTP_PORT=str(http_port), **settings)
    for kv in extra:
        k, v = kv.split("=", 1)
        env[k] = v
    return env


def wait_ready(proc, port, limit_s, pause_s, timeout_s=2):
    """Polls /q/health/ready until it answers 200 (True), PROC exits or LIMIT_S pass (False)."""
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < limit_s and proc.poll() is None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/q/health/ready", timeout=timeout_s) as r:
                if r.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(pause_s)
    return False
