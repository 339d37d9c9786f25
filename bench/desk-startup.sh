#!/usr/bin/env bash
# The Desk's time to interactive and memory: starts the real server jar once, then the real Desk N times under
# Xvfb (each a fresh JVM: `java -cp octvex-desk.jar:<the bench driver's jar>`), and prints p50 and max of
#   interactive  process start -> the connect screen's first frame, with the FX thread taking events again
#   CPU          the process's CPU time (all threads) by then: what a loaded machine does not inflate
#   RSS start    a second after that
#   RSS screens  after signing in and opening every sidebar screen (1.5 s each)
# Run it as `./octvex bench desk [RUNS] [-- JVM OPTIONS...]` (default 10 runs), e.g.
#   ./octvex bench desk 10 -- -XX:TieredStopAtLevel=1 -XX:+UseSerialGC
# OCTVEX_BENCH_CDS=1 adds an AppCDS archive (made by the first run, -XX:+AutoCreateSharedArchive, in target/).
# OCTVEX_BENCH_SERVER=URL uses a running server (sign in as OCTVEX_BENCH_USER, default admin, with
# OCTVEX_BENCH_PASSWORD). Needs xvfb-run and GTK 3 (libgtk-3-0). Results: bench/results/desk-startup.txt and a summary on stdout.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
: "${JAVA_HOME:?run this through ./octvex bench, which finds a JDK 21+}"
command -v xvfb-run >/dev/null || { echo "bench desk needs xvfb-run (apt-get install xvfb)" >&2; exit 1; }

runs=10
if [ $# -gt 0 ] && [ "$1" != "--" ]; then runs="$1"; shift; fi
case "$runs" in ''|*[!0-9]*) echo "usage: ./octvex bench desk [RUNS] [-- JVM OPTIONS...]" >&2; exit 2 ;; esac
[ $# -eq 0 ] || { [ "$1" = "--" ] && shift; }
opts=("$@")
if [ "${OCTVEX_BENCH_CDS:-}" = 1 ]; then
  opts+=("-XX:+AutoCreateSharedArchive" "-XX:SharedArchiveFile=desk-app/target/desk-bench.jsa")
fi

if [ "${OCTVEX_BENCH_BUILT:-}" != 1 ]; then
  # -DskipTests still compiles the test classes, where the driver (DeskStartupBenchmark) lives
  ./mvnw -q -B -pl protocol,sync-server,local-edge,desk-app -DskipTests package
fi

# the driver goes in a jar: AppCDS refuses a class path with a (non-empty) directory on it; remade only when the
# class changed, since a newer jar invalidates the archive
driver=desk-app/target/desk-startup-driver.jar
if [ ! "$driver" -nt desk-app/target/test-classes/io/octvex/desk/e2e/DeskStartupBenchmark.class ]; then
  "$JAVA_HOME/bin/jar" cf "$driver" -C desk-app/target/test-classes io/octvex/desk/e2e/DeskStartupBenchmark.class
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/octvex-bench-desk-XXXXXX")"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

url="${OCTVEX_BENCH_SERVER:-}"   # a running server instead (with OCTVEX_BENCH_USER/_PASSWORD): no server start
if [ -z "$url" ]; then
export OCTVEX_BENCH_PASSWORD="desk bench admin password"
OCTVEX_HOME="$work/server" OCTVEX_PORT=0 OCTVEX_ADMIN_PASSWORD="$OCTVEX_BENCH_PASSWORD" \
  "$JAVA_HOME/bin/java" -Xmx512m -jar sync-server/target/octvex-server.jar >"$work/server.log" 2>&1 &
server_pid=$!
fi
for _ in $(seq 1 600); do
  [ -z "$url" ] || break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; echo "the server exited" >&2; exit 1; }
  if [ -f "$work/server/run/server.json" ]; then
    url="$(sed -n 's/.*"url"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' "$work/server/run/server.json")"
    [ -n "$url" ] && break
  fi
  sleep 0.5
done
[ -n "$url" ] || { echo "the server did not start within 300 s" >&2; exit 1; }

mkdir -p bench/results
out=bench/results/desk-startup.txt
: >"$out"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
echo "server $url; $runs runs; JVM options: ${opts[*]:-(none)}; load average before: $load_before" >&2
for i in $(seq 1 "$runs"); do
  # a fresh config and data folder each time: every run is a first start of the Desk
  line="$(XDG_CONFIG_HOME="$work/config-$i" OCTVEX_DESK_DATA="$work/data-$i" \
    xvfb-run -a -s "-screen 0 1280x800x24" "$JAVA_HOME/bin/java" -Dprism.order=sw ${opts[@]+"${opts[@]}"} \
      -cp desk-app/target/octvex-desk.jar:desk-app/target/desk-startup-driver.jar \
      io.octvex.desk.e2e.DeskStartupBenchmark --server "$url" 2>"$work/desk-$i.log" | grep '^desk-startup ' || true)"
  if [ -z "$line" ]; then
    echo "run $i failed; its output:" >&2; tail -n 30 "$work/desk-$i.log" >&2; exit 1
  fi
  echo "$line" | tee -a "$out" >&2
done
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

summary() { # $1 field name, $2 divisor, $3 unit
  sed -n "s/.*$1=\([0-9]*\).*/\1/p" "$out" | sort -n | awk -v d="$2" -v u="$3" -v name="$1" '
    { v[NR] = $1 } END { p50 = v[int((NR + 1) / 2)]; printf "%s p50 %.0f %s, max %.0f %s\n", name, p50 / d, u, v[NR] / d, u }'
}
echo "Desk startup, $runs runs, JVM options: ${opts[*]:-(none)}; load average $load_before -> $load_after"
summary interactiveMillis 1 ms
summary cpuMillis 1 ms
summary rssStartKiB 1024 MiB
summary rssAllScreensKiB 1024 MiB
