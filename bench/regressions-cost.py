#!/usr/bin/env python3
"""What the regression check costs the server once the statement history is full (7 days).

In a scratch database of a running cluster (as postgres), fills the agent's statement_history table
(created from the migration) with --days of polls every --interval seconds, the top 50 per poll as
the agent stores them (40 statements in every poll, 10 from a pool of 2,000 others), then measures
the server's execution time (EXPLAIN ANALYZE, median of --runs) of:

  - the query the agent ran at every poll until issue 26: the recent window and the whole baseline
    summed together;
  - what it runs now: at every poll, the rows that left the recent window since the last poll and
    the rows stored since; every hour, both periods summed whole.

It prints the milliseconds per poll of each way, and drops the scratch database at the end.

    python3 bench/regressions-cost.py --port 5432 --interval 60 --days 7
"""
import argparse
import os
import re
import statistics
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
MIGRATION = os.path.join(HERE, "..", "src", "main", "resources", "db", "migration", "V2__statement_history.sql")

OLD = """
WITH recent AS (
    SELECT queryid, sum(calls) AS calls, sum(total_exec_ms) AS total
      FROM h.statement_history
     WHERE captured_at >= now() - make_interval(secs => 3600)
     GROUP BY queryid),
base AS (
    SELECT queryid, sum(calls) AS calls, sum(total_exec_ms) AS total
      FROM h.statement_history
     WHERE captured_at < now() - make_interval(secs => 3600)
       AND captured_at >= now() - make_interval(secs => 3600 + 7 * 86400)
     GROUP BY queryid)
SELECT r.queryid, r.total / r.calls AS recent_mean, b.total / b.calls AS baseline_mean,
       r.calls AS recent_calls, b.calls AS baseline_calls
  FROM recent r JOIN base b USING (queryid)
 WHERE r.calls >= 10 AND b.calls >= 10
   AND r.total / r.calls >= 2 * (b.total / b.calls)
   AND r.total / r.calls - b.total / b.calls >= 50
 ORDER BY r.total / r.calls - b.total / b.calls DESC
 LIMIT 100"""

# the agent's SUMS_BETWEEN (StatementsQueries), with the periods written in
SUMS = """
SELECT queryid, sum(calls)::int8 AS calls, sum(total_exec_ms) AS total
  FROM h.statement_history
 WHERE captured_at >= {frm} AND captured_at < {to}
 GROUP BY queryid
 ORDER BY 2 DESC
 LIMIT 10000"""


def psql(port, db, sql):
    r = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", str(port),
                        "-U", "postgres", "-d", db, "-c", sql], capture_output=True, text=True, timeout=900,
                       check=True)
    return r.stdout


def execution_ms(port, db, sql, runs):
    times = []
    for _ in range(runs):
        plan = psql(port, db, "EXPLAIN (ANALYZE, TIMING OFF) " + sql)
        times.append(float(re.search(r"Execution Time: ([0-9.]+) ms", plan).group(1)))
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--interval", type=int, default=60, help="seconds between polls (default 60, the agent's)")
    ap.add_argument("--days", type=float, default=7)
    ap.add_argument("--runs", type=int, default=5)
    a = ap.parse_args()

    db = "regression_cost"
    psql(a.port, "postgres", f"DROP DATABASE IF EXISTS {db}")
    psql(a.port, "postgres", f"CREATE DATABASE {db}")
    try:
        psql(a.port, db, "CREATE SCHEMA h; " + open(MIGRATION).read().replace("${flyway:defaultSchema}", "h"))
        polls = int(a.days * 86400 / a.interval)
        psql(a.port, db, f"""
            INSERT INTO h.statement_history
            SELECT now() - make_interval(secs => p * {a.interval}), {a.interval}, id, 10, true,
                   1 + (p * 7 + id) % 50, (1 + (p * 7 + id) % 50) * (1 + id % 13), 1, 0, 0, 0
              FROM generate_series(0, {polls - 1}) p,
                   LATERAL (SELECT s AS id FROM generate_series(1, 40) s
                            UNION ALL
                            SELECT 1000 + (p * 10 + s) % 2000 FROM generate_series(1, 10) s) ids""")
        psql(a.port, db, "VACUUM ANALYZE h.statement_history")
        rows = int(psql(a.port, db, "SELECT count(*) FROM h.statement_history").strip())
        window, baseline = "now() - interval '1 hour'", "now() - interval '1 hour' - interval '7 days'"
        step = f"now() - interval '1 hour' - make_interval(secs => {a.interval})"
        last = f"now() - make_interval(secs => {a.interval})"
        upto = "now() + interval '1 microsecond'"
        old = execution_ms(a.port, db, OLD, a.runs)
        moved = execution_ms(a.port, db, SUMS.format(frm=step, to=window), a.runs)
        fresh = execution_ms(a.port, db, SUMS.format(frm=last, to=upto), a.runs)
        recent = execution_ms(a.port, db, SUMS.format(frm=window, to=upto), a.runs)
        whole = execution_ms(a.port, db, SUMS.format(frm=baseline, to=window), a.runs)
        polls_per_resum = 3600 / a.interval
        per_poll = moved + fresh + (recent + whole) / polls_per_resum
        print(f"history: {rows} rows ({a.days:g} days of polls every {a.interval} s, top 50 each)")
        print("| statement | ms, median of %d | per poll, ms |" % a.runs)
        print("|---|---:|---:|")
        print(f"| until issue 26: recent window and whole baseline, every poll | {old:.2f} | {old:.2f} |")
        print(f"| now: rows that left the recent window, every poll | {moved:.2f} | {moved:.2f} |")
        print(f"| now: rows stored since the last poll, every poll | {fresh:.2f} | {fresh:.2f} |")
        print(f"| now: the recent window whole, every hour | {recent:.2f} | {recent / polls_per_resum:.2f} |")
        print(f"| now: the baseline whole, every hour | {whole:.2f} | {whole / polls_per_resum:.2f} |")
        print(f"| now, in all | | {per_poll:.2f} ({per_poll / old:.3f}x) |")
    finally:
        psql(a.port, "postgres", f"DROP DATABASE IF EXISTS {db}")


if __name__ == "__main__":
    main()
