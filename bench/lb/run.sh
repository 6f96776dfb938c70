#!/usr/bin/env bash
# The load balancer side by side with nginx and HAProxy, on loopback, against one backend.
#   bench/lb/run.sh [--quick]
# Installs nginx, haproxy and wrk from Debian if missing. Every load is bounded in time.
# Writes bench/results/lb.json and bench/results/lb.md.
# A fair side-by-side on one 2-core machine: the proxy under test runs on CPU 1,
# the load generators and the backend on CPU 0, so a proxy's latency is its own and not the share of
# a core it takes from the generator; the p99 point runs seven rounds in rotated order (median).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
. bin/jdk.sh
isohost_find_jdk || exit 3
SECS=10; [ "${1:-}" = "--quick" ] && SECS=4
ROUNDS=7
WARM=5                                      # seconds sent at the measured rate before the p99 point counts
LOAD_CPU=""; PROXY_CPU=""
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then LOAD_CPU="taskset -c 0"; PROXY_CPU="taskset -c 1"; fi
SLOTS=8; SERVICE_MS=10                      # backend /work capacity: 8 / 10 ms = 800 req/s
CAP=8                                       # the same per-backend concurrency cap everywhere
WORK=$(mktemp -d); trap 'kill $(jobs -p) 2>/dev/null; nginx -c $WORK/nginx.conf -s stop 2>/dev/null; nginx -c $WORK/nginx-open.conf -s stop 2>/dev/null; kill $(cat $WORK/haproxy.pid 2>/dev/null) 2>/dev/null; true' EXIT

for p in nginx haproxy wrk; do
  command -v $p >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light haproxy wrk >/dev/null; break; }
done
./build -q -DskipTests -pl bench -am install
CP="bench/target/classes:bench/target/lib/*"
JAVA="$JAVA_HOME/bin/java --enable-native-access=ALL-UNNAMED"
# the open-loop generator on C1 alone: its send and read loops are single long-running methods, which C2
# compiled on-stack seconds into a run, on the generator's core, so that each proxy saw the same requests
# sent late (by 5-50 ms) in its second and third measured seconds; C1 code is slower per request but steady
load() { $LOAD_CPU $JAVA -XX:TieredStopAtLevel=1 -cp "$CP" io.isohost.bench.lb.OpenLoopLoad "$@"; }

$LOAD_CPU $JAVA -cp "$CP" io.isohost.bench.lb.BenchBackend 19000 $SLOTS $SERVICE_MS > $WORK/backend.log 2>&1 &
nginx_conf() { # $1 port, $2 max_conns clause
cat <<NGINX
worker_processes 1; daemon on; pid $WORK/nginx-$1.pid; error_log $WORK/nginx-$1.err warn;
events { worker_connections 8192; }
http {
  access_log off;
  upstream backend { server 127.0.0.1:19000 $2; keepalive 64; }
  server {
    listen 127.0.0.1:$1;
    location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_next_upstream error; }
  }
}
NGINX
}
nginx_conf 19001 "max_conns=$CAP" > $WORK/nginx.conf
nginx_conf 19004 "" > $WORK/nginx-open.conf
$PROXY_CPU nginx -c $WORK/nginx.conf
$PROXY_CPU nginx -c $WORK/nginx-open.conf
cat > $WORK/haproxy.cfg <<HAP
global
  nbthread 1
  maxconn 4000
defaults
  mode http
  timeout connect 5s
  timeout client 60s
  timeout server 60s
  timeout queue 1s
  option http-keep-alive
  http-reuse always
frontend f
  bind 127.0.0.1:19002
  default_backend b
backend b
  server s1 127.0.0.1:19000 maxconn $CAP
HAP
$PROXY_CPU haproxy -D -f $WORK/haproxy.cfg -p $WORK/haproxy.pid
. bench/lb/balancer.sh
lb_config 19003 19000 $CAP > $WORK/lb.xml
ISOHOST_NO_BUILD=1 $PROXY_CPU $JAVA $LB_JVM_FLAGS -Xlog:gc:file=$WORK/lb-gc.log -cp "$(lb_class_path "$ROOT")" io.isohost.daemon.Isohost lb --config $WORK/lb.xml > $WORK/lb.log 2>&1 &
LB_PID=$!
sleep 3

declare -A PORT=([nginx]=19001 [haproxy]=19002 [isohost]=19003 [nginx-uncontrolled]=19004)
echo "warming up the JVMs..." >&2
$LOAD_CPU wrk -t1 -c32 -d$((SECS * 2))s http://127.0.0.1:19003/fast >/dev/null
$LOAD_CPU wrk -t1 -c32 -d${SECS}s http://127.0.0.1:19000/fast >/dev/null
declare -A PID=([nginx]=$(pgrep -P "$(cat $WORK/nginx-19001.pid)" | head -1) [haproxy]=$(cat $WORK/haproxy.pid) [isohost]=$LB_PID)
cpu_ticks() { awk '{print $14 + $15}' /proc/$1/stat; }   # user + system, all threads, in 1/100 s

: > $WORK/results.jsonl
for name in nginx haproxy isohost; do
  echo "closed loop (wrk): $name" >&2
  # only 2xx answers count: nginx refuses what is over its max_conns with 502 at once
  rps=$($LOAD_CPU wrk -t2 -c64 -d${SECS}s http://127.0.0.1:${PORT[$name]}/fast | awk -v s=$SECS '/requests in/ {n=$1} /Non-2xx/ {e=$5} END {printf "%.0f", (n-e)/s}')
  echo "{\"test\":\"wrk\",\"proxy\":\"$name\",\"rps\":$rps}" >> $WORK/results.jsonl
done
NGINX_MAX=$(grep '"proxy":"nginx"' $WORK/results.jsonl | sed 's/.*"rps":\([0-9.]*\).*/\1/')
RATE70=$(python3 -c "print(round($NGINX_MAX*0.7))")
ORDER=(nginx haproxy isohost)
for name in "${ORDER[@]}"; do   # an unrecorded round each: the code of connections opened and closed by a run is warm too
  echo "open loop at 70% of nginx's max ($RATE70/s), warm-up round: $name" >&2
  load --warmup-at-rate $WARM http://127.0.0.1:${PORT[$name]}/fast $RATE70 $SECS >/dev/null 2>&1
done
for round in $(seq 1 $ROUNDS); do
  for name in "${ORDER[@]}"; do
    echo "open loop at 70% of nginx's max ($RATE70/s), round $round: $name" >&2
    before=$(cpu_ticks ${PID[$name]})
    line=$(load --warmup-at-rate $WARM http://127.0.0.1:${PORT[$name]}/fast $RATE70 $SECS 2>$WORK/timeline)
    cpu=$(( $(cpu_ticks ${PID[$name]}) - before ))
    grep "p99 per second" $WORK/timeline >&2 || true
    echo "{\"test\":\"p99-at-70\",\"proxy\":\"$name\",\"round\":$round,\"cpu_ticks\":$cpu,\"result\":$line}" >> $WORK/results.jsonl
  done
  ORDER=("${ORDER[@]:1}" "${ORDER[0]}")   # rotate, so no proxy always runs first
done
CAPACITY=$((SLOTS * 1000 / SERVICE_MS))
for factor in 1.5 2 3; do
  rate=$(python3 -c "print(round($CAPACITY*$factor))")
  for name in nginx-uncontrolled nginx haproxy isohost; do
    echo "overload ${factor}x ($rate/s): $name" >&2
    line=$(load http://127.0.0.1:${PORT[$name]}/work $rate $SECS 1000 2>/dev/null)
    echo "{\"test\":\"overload\",\"factor\":$factor,\"proxy\":\"$name\",\"result\":$line}" >> $WORK/results.jsonl
    sleep 2   # let the backend's line drain
  done
done

python3 - "$WORK/results.jsonl" "$SECS" "$CAPACITY" "$WARM" <<'PY'
import json, sys, datetime, os
rows = [json.loads(l) for l in open(sys.argv[1])]
secs, capacity, warm = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
wrk = {r["proxy"]: r["rps"] for r in rows if r["test"] == "wrk"}
rounds = {}
for r in rows:
    if r["test"] == "p99-at-70":
        res = dict(r["result"], round=r["round"], cpu_us_per_request=round(r["cpu_ticks"] * 10_000 / max(r["result"]["rate"] * (secs + warm), 1), 1))
        rounds.setdefault(r["proxy"], []).append(res)
def median(xs): return sorted(xs)[len(xs) // 2]
p99 = {k: {"p99_ms": median([x["p99_ms"] for x in v]), "p50_ms": median([x["p50_ms"] for x in v]),
           "p99_all_ms": median([x["p99_all_ms"] for x in v]), "refused": sum(x["non2xx"] + x["failed"] for x in v),
           "cpu_us_per_request": median([x["cpu_us_per_request"] for x in v]), "rounds": v} for k, v in rounds.items()}
over = {}
for r in rows:
    if r["test"] == "overload":
        over.setdefault(str(r["factor"]), {})[r["proxy"]] = r["result"]
doc = {"date": str(datetime.date.today()), "cores": os.cpu_count(), "seconds_per_run": secs,
       "backend_capacity_per_second": capacity, "per_backend_cap": 8,
       "wrk_rps": wrk, "p99_at_70_percent": p99, "overload": over}
os.makedirs("bench/results", exist_ok=True)
json.dump(doc, open("bench/results/lb.json", "w"), indent=2)
def ok(b): return "pass" if b else "miss"
def each(k): return " / ".join(f"{x['p99_ms']:.2f}" for x in p99[k]["rounds"])
t = wrk["isohost"] / wrk["nginx"]
p = p99["isohost"]["p99_ms"] / max(p99["nginx"]["p99_ms"], 1e-9)
pa = p99["isohost"]["p99_all_ms"] / max(p99["nginx"]["p99_all_ms"], 1e-9)
md = [f"# Load balancer vs nginx and HAProxy ({doc['date']}, {doc['cores']} cores, one run, {secs} s per point)", "",
      "One 2-core machine over loopback: the proxy under test on CPU 1, the load generators and the backend on CPU 0, so a proxy's latency is its own; ratios matter more than absolute numbers.", "",
      "| figure | goal | nginx | HAProxy | isohost | ratio | |", "|---|---|---|---|---|---|---|",
      f"| closed loop (wrk -t2 -c64), req/s | ≥ 0.9× nginx | {wrk['nginx']:.0f} | {wrk['haproxy']:.0f} | {wrk['isohost']:.0f} | {t:.2f}× | {ok(t >= 0.9)} |",
      f"| p99 at 70% of nginx's max ({p99['nginx']['rounds'][0]['rate']:.0f}/s), open loop, median of {len(p99['nginx']['rounds'])}, ms | ≤ 1.2× nginx | {p99['nginx']['p99_ms']:.2f} | {p99['haproxy']['p99_ms']:.2f} | {p99['isohost']['p99_ms']:.2f} | {p:.2f}× | {ok(p <= 1.2)} |",
      f"| p99 of each round, ms | | {each('nginx')} | {each('haproxy')} | {each('isohost')} | | |",
      f"| non-2xx answers in all rounds (nginx: 502 over max_conns) | | {p99['nginx']['refused']} | {p99['haproxy']['refused']} | {p99['isohost']['refused']} | | |",
      f"| the same p99 with a non-2xx counted as slower than any answer, median, ms | ≤ 1.2× nginx | {p99['nginx']['p99_all_ms']:.2f} | {p99['haproxy']['p99_all_ms']:.2f} | {p99['isohost']['p99_all_ms']:.2f} | {pa:.2f}× | {ok(pa <= 1.2)} |",
      f"| proxy CPU per request at that rate, µs | | {p99['nginx']['cpu_us_per_request']:.0f} | {p99['haproxy']['cpu_us_per_request']:.0f} | {p99['isohost']['cpu_us_per_request']:.0f} | | |"]
md += ["", f"Overload: backend capacity {capacity} req/s (8 workers × 10 ms); goodput = 2xx answered within 1 s, per second.", "",
       "| offered | uncontrolled nginx | nginx max_conns | HAProxy maxconn+queue | isohost | vs uncontrolled (≥ 2×) | vs HAProxy (≥ 0.9×) |",
       "|---|---|---|---|---|---|---|"]
for f, r in over.items():
    g = {k: v["goodput_per_second"] for k, v in r.items()}
    a = g["isohost"] / max(g["nginx-uncontrolled"], 1e-9)
    b = g["isohost"] / max(g["haproxy"], 1e-9)
    md.append(f"| {f}× ({r['isohost']['rate']:.0f}/s) | {g['nginx-uncontrolled']:.0f} | {g['nginx']:.0f} | {g['haproxy']:.0f} | {g['isohost']:.0f} | {a:.1f}× {ok(a >= 2)} | {b:.2f}× {ok(b >= 0.9)} |")
md += ["", "Run: `bench/lb/run.sh` (`--quick` for 4 s points). Raw figures: [lb.json](lb.json)."]
open("bench/results/lb.md", "w").write("\n".join(md) + "\n")
print("\n".join(md))
PY
echo "balancer GC pauses:" >&2; grep -h Pause $WORK/lb-gc.log >&2 || true
