#!/usr/bin/env bash
# The balancer's CPU per request, this tree against a baseline tree, side by side in one run.
#   bench/lb/ab.sh BASELINE_TREE [--quick]      (BASELINE_TREE: a checkout, e.g. `git worktree add`, built here)
# Both balancers run on CPU 1 with run.sh's JVM settings and configuration, one backend and the
# open-loop generators on CPU 0. In each round both are loaded at once, each by its own generator at
# RATE requests/s for WARM + SECS seconds, so that the machine's other work weighs on both alike; the
# balancer's CPU (user + system, /proc) over that time, per request sent, is what compares.
# RATE defaults to 800/s each, well under what one balancer does on a core of its own (run.sh measures at
# ~7,500/s): on a machine shared with other work the balancer gets a fraction of its core, and a rate it
# cannot keep up with turns most requests into quick 503s, which measures nothing. A round with any
# non-2xx answer is reported as such. Writes bench/results/lb-ab.json and bench/results/lb-ab.md.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BASE="$(cd "${1:?usage: bench/lb/ab.sh BASELINE_TREE [--quick]}" && pwd)"
cd "$ROOT"
. bin/jdk.sh
isohost_find_jdk || exit 3
. bench/lb/balancer.sh
SECS=10; [ "${2:-}" = "--quick" ] && SECS=4
ROUNDS=${ROUNDS:-9}; RATE=${RATE:-800}; WARM=5
LOAD_CPU=""; PROXY_CPU=""
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then LOAD_CPU="taskset -c 0"; PROXY_CPU="taskset -c 1"; fi
WORK=$(mktemp -d); trap 'kill $(jobs -p) 2>/dev/null; true' EXIT

./build -q -DskipTests -pl bench -am package
(cd "$BASE" && ./build -q -DskipTests -pl host-daemon -am package)
CP="bench/target/classes:bench/target/lib/*"
JAVA="$JAVA_HOME/bin/java --enable-native-access=ALL-UNNAMED"
load() { $LOAD_CPU $JAVA -XX:TieredStopAtLevel=1 -cp "$CP" io.isohost.bench.lb.OpenLoopLoad "$@"; }

$LOAD_CPU $JAVA -cp "$CP" io.isohost.bench.lb.BenchBackend 19100 8 10 > $WORK/backend.log 2>&1 &
declare -A PORT=([baseline]=19101 [current]=19102) TREE=([baseline]=$BASE [current]=$ROOT) PID=()
for name in baseline current; do
  lb_config ${PORT[$name]} 19100 8 > $WORK/$name.xml
  ISOHOST_NO_BUILD=1 $PROXY_CPU $JAVA $LB_JVM_FLAGS -cp "$(lb_class_path "${TREE[$name]}")" io.isohost.daemon.Isohost \
    lb --config $WORK/$name.xml > $WORK/$name.log 2>&1 &
  PID[$name]=$!
done
# started under load, a JVM may take many seconds to listen: wait for each port (bounded)
for port in 19100 ${PORT[baseline]} ${PORT[current]}; do
  for i in $(seq 1 240); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.5; done
  (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null || { echo "nothing listens on $port after 2 minutes" >&2; exit 1; }
done
cpu_ticks() { awk '{print $14 + $15}' /proc/$1/stat; }   # user + system, all threads, in 1/100 s
echo "warming up both" >&2   # as the rounds load them: at once
LOADS=()
for name in baseline current; do
  load --warmup-at-rate $WARM http://127.0.0.1:${PORT[$name]}/fast $RATE $((SECS * 3)) >/dev/null 2>&1 &
  LOADS+=($!)
done
wait "${LOADS[@]}"
: > $WORK/results.jsonl
for round in $(seq 1 $ROUNDS); do
  # both at once, each with its own generator: whatever else the machine runs weighs on both alike
  declare -A BEFORE=()
  for name in baseline current; do BEFORE[$name]=$(cpu_ticks ${PID[$name]}); done
  LOADS=()
  for name in baseline current; do
    load --warmup-at-rate $WARM http://127.0.0.1:${PORT[$name]}/fast $RATE $SECS > $WORK/$name.round 2>/dev/null &
    LOADS+=($!)
  done
  wait "${LOADS[@]}"
  for name in baseline current; do
    cpu=$(( $(cpu_ticks ${PID[$name]}) - ${BEFORE[$name]} ))
    line=$(cat $WORK/$name.round)
    echo "round $round $name: $cpu ticks $line" >&2
    echo "{\"build\":\"$name\",\"round\":$round,\"cpu_ticks\":$cpu,\"result\":$line}" >> $WORK/results.jsonl
  done
done

python3 - "$WORK/results.jsonl" "$SECS" "$WARM" "$(git -C "$BASE" rev-parse --short HEAD)" "$(git rev-parse --short HEAD)" "$(cat /proc/loadavg)" <<'PY'
import json, sys, datetime, os
rows = [json.loads(l) for l in open(sys.argv[1])]
secs, warm, base_rev, cur_rev, loadavg = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6]
def us(r): return r["cpu_ticks"] * 10_000 / max(r["result"]["rate"] * (secs + warm), 1)
by = {}
for r in rows:
    by.setdefault(r["build"], {})[r["round"]] = dict(cpu_us_per_request=round(us(r), 1), p50_ms=r["result"]["p50_ms"],
                                                     p99_ms=r["result"]["p99_ms"], not_2xx=r["result"]["non2xx"] + r["result"]["failed"])
def median(xs): xs = sorted(xs); return xs[len(xs) // 2] if len(xs) % 2 else (xs[len(xs) // 2 - 1] + xs[len(xs) // 2]) / 2
rounds = sorted(by["current"])
ratios = [by["current"][i]["cpu_us_per_request"] / by["baseline"][i]["cpu_us_per_request"] for i in rounds]
summary = {b: {"cpu_us_per_request_median": median([x["cpu_us_per_request"] for x in v.values()]),
               "p99_ms_median": median([x["p99_ms"] for x in v.values()]), "rounds": v} for b, v in by.items()}
ratio = summary["current"]["cpu_us_per_request_median"] / summary["baseline"]["cpu_us_per_request_median"]
# rounds in which both answered every request with a 2xx: a round with refusals measured cheaper work
clean = [i for i in rounds if by["current"][i]["not_2xx"] == 0 and by["baseline"][i]["not_2xx"] == 0]
clean_ratio = (sum(by["current"][i]["cpu_us_per_request"] for i in clean) / sum(by["baseline"][i]["cpu_us_per_request"] for i in clean)
               if clean else None)
doc = {"date": str(datetime.date.today()), "cores": os.cpu_count(), "rate": rows[0]["result"]["rate"], "seconds_per_round": secs,
       "warmup_seconds_per_round": warm, "baseline": base_rev, "current": cur_rev, "loadavg_at_end": loadavg,
       "cpu_ratio_of_medians": round(ratio, 3), "cpu_ratio_per_round": [round(x, 3) for x in ratios],
       "cpu_ratio_per_round_median": round(median(ratios), 3), "clean_rounds": clean,
       "cpu_ratio_of_totals_in_clean_rounds": None if clean_ratio is None else round(clean_ratio, 3), **summary}
os.makedirs("bench/results", exist_ok=True)
json.dump(doc, open("bench/results/lb-ab.json", "w"), indent=2)
def each(b, k): return " / ".join(f"{by[b][i][k]:.1f}" if k.startswith("cpu") else f"{by[b][i][k]:.2f}" for i in rounds)
md = [f"# Balancer CPU per request: {cur_rev} against {base_rev} ({doc['date']}, {doc['cores']} cores, one run)", "",
      f"Both balancers on CPU 1 (run.sh's JVM settings and configuration), the backend and the open-loop generators on CPU 0; "
      f"{len(rounds)} rounds of {warm} + {secs} s, in each both loaded at once at {doc['rate']:.0f} requests/s each. "
      f"CPU = the balancer process's user + system time over the round, per request sent. Load average at the end: {loadavg.split()[0:3]}.", "",
      "| figure | baseline | current | current / baseline |", "|---|---|---|---|",
      f"| CPU per request, median of rounds, µs; the ratio: median of the rounds' ratios | {summary['baseline']['cpu_us_per_request_median']:.1f} | {summary['current']['cpu_us_per_request_median']:.1f} | {median(ratios):.3f} |",
      f"| CPU per request of each round, µs | {each('baseline', 'cpu_us_per_request')} | {each('current', 'cpu_us_per_request')} | {' / '.join(f'{x:.2f}' for x in ratios)} |",
      f"| p99 of each round, ms | {each('baseline', 'p99_ms')} | {each('current', 'p99_ms')} | |",
      f"| p99, median of rounds, ms | {summary['baseline']['p99_ms_median']:.2f} | {summary['current']['p99_ms_median']:.2f} | |",
      f"| non-2xx or failed answers, all rounds | {sum(x['not_2xx'] for x in by['baseline'].values())} | {sum(x['not_2xx'] for x in by['current'].values())} | |",
      "", f"Per-round ratios range {min(ratios):.2f}–{max(ratios):.2f} (median {median(ratios):.3f}; ratio of the two columns' medians {ratio:.3f}). "
      + (f"Over the {len(clean)} rounds ({', '.join(map(str, clean))}) in which both answered every request with a 2xx, "
         f"total CPU per request current / baseline = {clean_ratio:.3f}." if clean else "No round had both answer every request with a 2xx."),
      "", "Run: `bench/lb/ab.sh BASELINE_TREE` (`--quick` for 4 s rounds). Raw figures: [lb-ab.json](lb-ab.json)."]
open("bench/results/lb-ab.md", "w").write("\n".join(md) + "\n")
print("\n".join(md))
PY
