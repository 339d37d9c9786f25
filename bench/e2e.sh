#!/usr/bin/env bash
# Governed runs end to end (real server jar, real edge processes, PostgreSQL) against a raw SKIP LOCKED loop
# and db-scheduler on the same PostgreSQL. Run it as `./octvex bench e2e [options]` (--help lists them).
# Results: bench/results/e2e.md (and docs/benchmarks.md with --doc); logs in the temporary folder it names.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
: "${JAVA_HOME:?run this through ./octvex bench e2e, which finds a JDK 21+}"
# migrations copied afresh: Maven leaves a deleted one in target/classes, and the jar would run it (a stale
# experiment once did, unnoticed, for a day of measurements)
rm -rf sync-server/target/classes/db/migration
# one reactor build, so the bench's classpath names this tree's protocol jar (a fresh machine has none in ~/.m2)
./mvnw -q -B -pl protocol,sync-server,local-edge,bench -am -DskipTests package dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath
CP="bench/target/classes:protocol/target/classes:$(cat bench/target/bench.classpath)"
exec "$JAVA_HOME/bin/java" -Xmx1g -cp "$CP" io.octvex.bench.EndToEndBenchmark "$@"
