#!/usr/bin/env bash
# Isolation figures: container start, 1,000 idle isolates, rate and CPU-share accuracy, consume cost.
# Usage: bench/isolation/run.sh [--quick]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
. bin/jdk.sh
isohost_find_jdk || exit 3
./build -q -DskipTests -pl bench -am install
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Xmx4g -cp "bench/target/classes:bench/target/lib/*" \
  io.isohost.bench.isolation.IsolationBench "$@"
