#!/usr/bin/env bash
# Builds docs/examples/lib/hello.jar, the component hello.xml deploys: ./docs/examples/build-hello.sh
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
. "$ROOT/bin/jdk.sh"
isohost_find_jdk || exit 3
[ -d "$ROOT/host-daemon/target/lib" ] || "$ROOT/build" -q -DskipTests -pl host-daemon -am install
OUT=$(mktemp -d)
"$JAVA_HOME/bin/javac" -d "$OUT" -cp "$ROOT/host-daemon/target/lib/*" "$HERE"/hello/src/io/isohost/examples/*.java
mkdir -p "$HERE/lib"
"$JAVA_HOME/bin/jar" --create --file "$HERE/lib/hello.jar" -C "$OUT" .
echo "built $HERE/lib/hello.jar"
