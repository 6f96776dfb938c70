#!/usr/bin/env bash
# Deployment figures: submit → serving for a RUBiS-sized descriptor, and hot swaps under load.
# Usage: bench/deploy/run.sh [--quick]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
. bin/jdk.sh
isohost_find_jdk || exit 3
./build -q -DskipTests -pl bench -am install
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "bench/target/classes:bench/target/lib/*" io.isohost.bench.deploy.DeployBench "$@"
