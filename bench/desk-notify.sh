#!/usr/bin/env bash
# Gate commit -> OS notification: the real server jar holds steps for approval and the Desk's inbox model
# raises Notify on a private D-Bus session bus (dbus-daemon); p50/p95/p99 from the approval's requestedAt to
# the Notify call's arrival. Run it as `./octvex bench notify [SAMPLES] [WARMUP]` (default 250 and 20).
# Results: bench/results/desk-notify.json and one summary line on standard output. Needs dbus-daemon.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
: "${JAVA_HOME:?run this through ./octvex bench, which finds a JDK 21+}"
command -v dbus-daemon >/dev/null || { echo "bench notify needs dbus-daemon (apt-get install dbus-daemon)" >&2; exit 1; }
# one reactor build, so the classpath names this tree's modules (a fresh machine has none of them in ~/.m2)
./mvnw -q -B -pl protocol,sync-server,local-edge,desk-app -am -DskipTests package dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
mkdir -p bench/results
CP="desk-app/target/test-classes:desk-app/target/classes:local-edge/target/classes:protocol/target/classes:$(cat desk-app/target/bench.classpath)"
exec "$JAVA_HOME/bin/java" -Djava.awt.headless=true -Doctvex.server.jar=sync-server/target/octvex-server.jar \
  -Dbench.out=bench/results/desk-notify.json -cp "$CP" io.octvex.desk.e2e.NotifyLatencyBenchmark "$@"
