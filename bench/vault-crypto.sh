#!/usr/bin/env bash
# Vault cryptography for 1 KiB values: AES-256-GCM seal and open, and the in-memory part of a resolution
# (unwrap the data key, open, decode), JMH sample mode. Run it as `./octvex bench vault [JMH options]`.
# Results: bench/results/vault-crypto.json and the JMH summary on standard output.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
: "${JAVA_HOME:?run this through ./octvex bench, which finds a JDK 21+}"
if [ "${OCTVEX_BENCH_BUILT:-}" != 1 ]; then
  ./mvnw -q -B -pl protocol,sync-server -am -DskipTests test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
fi
mkdir -p bench/results
# one reactor build above, so the classpath names this tree's protocol (none in ~/.m2 on a fresh machine)
CP="sync-server/target/test-classes:sync-server/target/classes:protocol/target/classes:$(cat sync-server/target/bench.classpath)"
exec "$JAVA_HOME/bin/java" -cp "$CP" org.openjdk.jmh.Main VaultCryptoBenchmark \
  -rf json -rff bench/results/vault-crypto.json "$@"
