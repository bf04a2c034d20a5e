#!/bin/sh
# The JVM image's launcher, for the agent and the CLI alike (`pgsidecar <command>`, kubectl exec):
# the same jar, run with the flags docs/benchmarks.md measured, and the AOT cache trained when the
# image was built (src/main/docker/aot-train.sh).
#
# The flags: a 48 MiB serial-collected heap (the live heap is ~16 MiB at 20,000 statements) with an
# 8 MiB young generation (a poll leaves ~1 MB of garbage; a larger eden only kept more pages
# resident), C1 only, small stacks, one compiler thread, one event loop, 8 workers,
# unpooled Netty buffers, no perf-data file (its sampler woke every 50 ms: ~10 ms of CPU per poll;
# jcmd still attaches), two malloc arenas. The code cache reserves 48 MiB and holds ~5 MiB: the JVM
# collects the whole heap each time compiled code grows by 15 % of the reserve, which with 24 MiB
# meant full collections of 25-60 ms at start and in the middle of scrapes (docs/benchmarks.md).
#
# PGSIDECAR_JAVA_FLAGS replaces the flags and JAVA_OPTS_APPEND adds to them. A cache is only taken
# by a JVM started with the flags it was trained with (the collector, the heap's layout): with
# other flags it may not take the cache, and then starts as it would without one.
# PGSIDECAR_HOME is where quarkus-run.jar is (/deployments), JAVA the java binary (java).
: "${PGSIDECAR_JAVA_FLAGS:=-Xmx48m -Xmn8m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:-UsePerfData -Xss256k -XX:ReservedCodeCacheSize=48m -XX:MaxMetaspaceSize=96m -XX:MaxDirectMemorySize=16m -Dio.netty.allocator.type=unpooled -Dquarkus.vertx.event-loops-pool-size=1 -Dquarkus.thread-pool.max-threads=8}"
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
home="${PGSIDECAR_HOME:-/deployments}"
aot=""
if [ -f "$home/app.aot" ]; then
    aot="-XX:AOTCache=$home/app.aot"
fi
# shellcheck disable=SC2086 # the flags are words
exec "${JAVA:-java}" $PGSIDECAR_JAVA_FLAGS $aot $JAVA_OPTS_APPEND -jar "$home/quarkus-run.jar" "$@"
