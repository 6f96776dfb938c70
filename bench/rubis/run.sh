#!/usr/bin/env bash
# RUBiS on isohost: throughput (browsing, think time 0), Figure 2's staircase, and the SLA demonstration.
#   bench/rubis/run.sh [throughput|staircase|sla|all] [--quick]
# Writes bench/results/rubis-{throughput,staircase,sla}.{json,md} and rubis-staircase.svg.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
. bin/jdk.sh
isohost_find_jdk || exit 3
./build -q -DskipTests -pl bench -am install
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -XX:-UseCodeCacheFlushing -Xmx4g -cp "bench/target/classes:bench/target/lib/*"\
  io.isohost.bench.rubis.RubisBench "${@:-all}"
