#!/usr/bin/env bash
# The triad cache side by side with Redis on loopback.
#   bench/cache/run.sh [--quick]   local hit, remote get, put with the synchronous backup, 8-thread throughput, failover
#   bench/cache/run.sh --cpu       after the warm-up, 20,000 puts from one thread: CPU per put by process and thread (/proc), no results written
#   bench/cache/run.sh --fault     the fault test's long form: 100 runs of SIGKILL and restart under concurrent writers
# Installs redis-server from Debian if missing, starts it on a free loopback port and stops it afterwards.
# Writes bench/results/cache.json and bench/results/cache.md.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
. bin/jdk.sh
isohost_find_jdk || exit 3

if [ "${1:-}" = "--fault" ]; then
  ./build -q -DskipTests -pl cache-node -am install
  exec ./build -q -pl cache-node test -Dtest=FaultTest -Dfault.runs="${FAULT_RUNS:-100}"
fi

if ! command -v redis-server >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
fi
./build -q -DskipTests -pl bench -am install
WORK=$(mktemp -d)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
redis-server --bind 127.0.0.1 --port "$PORT" --save "" --appendonly no --daemonize yes \
  --pidfile "$WORK/redis.pid" --logfile "$WORK/redis.log" --dir "$WORK"
trap 'kill $(cat "$WORK/redis.pid" 2>/dev/null) 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 50); do [ -s "$WORK/redis.pid" ] && break; sleep 0.1; done

"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Xmx1g -cp "bench/target/classes:bench/target/lib/*" \
  io.isohost.bench.cache.CacheBench "$WORK/triad" "$PORT" "$@"
