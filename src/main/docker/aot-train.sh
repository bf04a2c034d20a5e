#!/usr/bin/env bash
# Trains the JVM's AOT cache (JEP 483 and 514, JDK 25) for the packaged agent: one start against a
# throwaway PostgreSQL, until ready, with scrapes, probes, admin requests and the first polls, then a
# stop; the JVM writes the cache as it exits. Dockerfile.jvm runs it in a stage built from the
# runtime image, with the image's own launcher (a cache is only taken by the very JVM, flags and
# class path that made it); .ci/run runs it too and starts the agent with the cache required.
#
#   aot-train.sh CACHE_FILE -- COMMAND...
#
# COMMAND starts the agent in the foreground as production does (the image's launcher); the script
# adds -XX:AOTCacheOutput through JAVA_TOOL_OPTIONS and the database, token and port through the
# environment. The jar must be an aot-jar build (the project's packaging: its classes load through
# the JDK's own class loader, which is what a cache can hold). PG_BIN: initdb, pg_ctl and postgres
# with pg_stat_statements (default /usr/lib/postgresql/15/bin). Every wait is bounded; the server
# and the agent are stopped on exit.
set -euo pipefail

cache=${1:?usage: aot-train.sh CACHE_FILE -- COMMAND...}
shift
if [ "${1:-}" = "--" ]; then shift; fi
if [ $# = 0 ]; then echo "usage: aot-train.sh CACHE_FILE -- COMMAND..." >&2; exit 2; fi
# a cache left from an earlier training would be taken by the launcher, and cannot be both
rm -f "$cache"
pgbin=${PG_BIN:-/usr/lib/postgresql/15/bin}
work=$(mktemp -d /tmp/pgsidecar-aot.XXXXXX)
agent=""

as_server_user() {
    # initdb refuses to run as root: as root, the server runs as postgres
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

cleanup() {
    if [ -n "$agent" ] && kill -0 "$agent" 2>/dev/null; then kill -KILL "$agent" 2>/dev/null || true; fi
    as_server_user "$pgbin/pg_ctl" -D "$work/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

# a free local port: one nothing answers on (bash's /dev/tcp, no other tool needed)
free_port() {
    local p
    for _ in $(seq 1 50); do
        p=$((20000 + RANDOM % 20000))
        if ! { exec 3<>"/dev/tcp/127.0.0.1/$p"; } 2>/dev/null; then echo "$p"; return 0; fi
        exec 3>&-
    done
    echo "no free port" >&2
    return 1
}

# the HTTP status of GET path on the agent, or 000 when it does not answer
status() {
    local code auth=""
    if [ -n "${2:-}" ]; then auth="Authorization: Bearer $2"$'\r\n'; fi
    code=$({ exec 3<>"/dev/tcp/127.0.0.1/$http_port" && printf 'GET %s HTTP/1.0\r\nHost: localhost\r\n%s\r\n' \
        "$1" "$auth" >&3 && head -c 12 <&3 | cut -c10-12; } 2>/dev/null) || true
    echo "${code:-000}"
}

if [ "$(id -u)" = 0 ]; then chown postgres "$work"; fi
as_server_user "$pgbin/initdb" -D "$work/data" -U postgres -A trust --no-sync >"$work/initdb.log" 2>&1
pg_port=$(free_port)
as_server_user "$pgbin/pg_ctl" -D "$work/data" -l "$work/data/server.log" -t 60 -w \
    -o "-p $pg_port -k $work -c listen_addresses=127.0.0.1 -c shared_preload_libraries=pg_stat_statements -c fsync=off" \
    start >/dev/null

# starts the agent in the background with these JAVA_TOOL_OPTIONS, on a new port
start_agent() {
    http_port=$(free_port)
    DATABASE_URL="postgresql://postgres@127.0.0.1:$pg_port/postgres" \
    PGSIDECAR_ADMIN_TOKEN=aot-training \
    PGSIDECAR_STATEMENTS_CREATE_EXTENSION=true \
    QUARKUS_HTTP_PORT=$http_port \
    QUARKUS_HTTP_HOST=127.0.0.1 \
    JAVA_TOOL_OPTIONS="$1" \
        "${command[@]}" >"$work/agent.log" 2>&1 &
    agent=$!
    started=$(date +%s%N)
}

# waits (60 s at most) until the agent is ready; prints the seconds from its start
wait_ready() {
    for _ in $(seq 1 600); do
        if [ "$(status /q/health/ready)" = 200 ]; then
            local ms=$(( ($(date +%s%N) - started) / 1000000 ))
            printf '%d.%03d\n' $((ms / 1000)) $((ms % 1000))
            return 0
        fi
        kill -0 "$agent" 2>/dev/null || break
        sleep 0.05
    done
    echo "the agent did not get ready within 60 s; its log:" >&2
    tail -50 "$work/agent.log" >&2
    return 1
}

# SIGTERM, then waits for the process to end (120 s at most: a training JVM writes its cache then)
stop_agent() {
    kill -TERM "$agent"
    for _ in $(seq 1 1200); do
        kill -0 "$agent" 2>/dev/null || break
        sleep 0.1
    done
    wait "$agent" 2>/dev/null || true
    agent=""
}

command=("$@")
echo "training the AOT cache $cache: $*"
start_agent "-XX:AOTCacheOutput=$cache"
wait_ready >/dev/null
# what every agent does in its first minute: scrapes, probes, the admin API, the status page, and
# the first polls (the statements poll runs at start; the others within seconds)
for path in /q/metrics /q/health/live /q/health/ready /q/metrics; do status "$path" >/dev/null; done
for path in /api/v1/admin/database/health /api/v1/admin/database/performance/stats \
            /api/v1/admin/database/activity/waits /api/v1/admin/database/alerts \
            /api/v1/admin/database/leader /api/v1/admin/database/collectors /ui/login; do
    status "$path" aot-training >/dev/null
done
sleep 5
for path in /q/metrics /api/v1/admin/database/performance/stats; do status "$path" aot-training >/dev/null; done
stop_agent
if [ ! -s "$cache" ]; then
    echo "no AOT cache was written; the agent's log:" >&2
    tail -50 "$work/agent.log" >&2
    exit 1
fi
echo "AOT cache written: $cache ($(( $(stat -c %s "$cache") / 1048576 )) MiB)"

# the cache is taken: one more start with it required (-XX:AOTMode=on: a JVM that cannot map it
# does not start), which must get ready
start_agent "-XX:AOTMode=on -XX:AOTCache=$cache"
seconds=$(wait_ready)
stop_agent
echo "the agent starts with the cache required: ready in $seconds s"
