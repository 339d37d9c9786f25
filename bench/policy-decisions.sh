#!/usr/bin/env bash
# Policy decision latency with 200 rules: Octvex's engine vs jCasbin (RBAC with domains), JMH sample mode.
# Run it as `./octvex bench [JMH options]` (the launcher finds a JDK 21+ and sets JAVA_HOME).
# Results: bench/results/policy-decisions.json and the JMH summary on standard output.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
: "${JAVA_HOME:?run this through ./octvex bench, which finds a JDK 21+}"
./mvnw -q -B -pl protocol,sync-server -am -DskipTests test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
mkdir -p bench/results
# one reactor build above, so the classpath names this tree's protocol (none in ~/.m2 on a fresh machine)
CP="sync-server/target/test-classes:sync-server/target/classes:protocol/target/classes:$(cat sync-server/target/bench.classpath)"
exec "$JAVA_HOME/bin/java" -cp "$CP" org.openjdk.jmh.Main PolicyDecisionBenchmark \
  -rf json -rff bench/results/policy-decisions.json "$@"
