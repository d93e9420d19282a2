#!/usr/bin/env bash
# Brook side by side with librdkafka's mock cluster, measured by the same
# rdperf commands (issue 3). Not a test. Needs a build (npx tsc -p . or
# npm run build) and the kafka-bench instruments (rdperf, rdmock; see
# ../shared/tools/kafka-bench/README.md, built with its build.sh).
#
#   bench/rdperf-compare.sh            # defaults below
#   RUNS=3 LAYOUTS="1:1000000:1000000" LATENCY=0 bench/rdperf-compare.sh
#
# Environment:
#   RDPERF, RDMOCK  instrument paths (default ../shared/tools/kafka-bench/bin/,
#                   then /tmp/kb/)
#   RUNS            runs per figure; medians are printed (default 5)
#   LAYOUTS         space-separated PARTITIONS:N_100B:N_1KIB (default
#                   "1:1000000:1000000 4:1000000:1000000 64:1000000:200000").
#                   Per layout and run, a fresh Brook and a fresh rdmock, topics
#                   created in both; produce 100 B and 1 KiB with acks=1 and
#                   acks=all, then consume both sizes from the beginning of the
#                   acks=1 topics.
#   LATENCY         1 to measure end-to-end latency on 1 partition (default 1)
#   LAT_RATE LAT_SECONDS LAT_LINGER   latency options (10000, 10, 1)
#   LAT_RUNS        latency runs per system and variant (default RUNS)
#   LAT_VARIANTS    latency variants, "name=extra rdperf args;..." (default
#                   "default=;fw5=-X c:fetch.wait.max.ms=5"): librdkafka's
#                   defaults, and a consumer that polls every 5 ms, because
#                   rdmock holds every Fetch for the whole fetch.wait.max.ms
#                   (500 ms) instead of answering when data arrives
#   LOG_PARENT      where Brook's temporary log dir is made (default the
#                   run's temp dir; /dev/shm puts Brook's log on tmpfs, as
#                   rdmock keeps its log in memory)
#   OUT             directory for the raw rdperf output (default a temp dir)
#   WARM_MEMORY_GIB touch this much memory before each run (default 0).
#                   On a VM whose host backs guest memory on first touch, a
#                   page the guest never used costs far more to allocate: here
#                   `dd` into /dev/shm falls from 3.3 GB/s to about 460 MB/s
#                   once the first GB of never-touched memory is in use.
#                   Brook puts every byte it is sent into the page cache
#                   (as Kafka does); rdmock keeps at most 5 MiB per partition,
#                   so only Brook pays that. Warming measures the broker, not
#                   the hypervisor (docs/BENCHMARKS.md). It is redone before
#                   every run because the guest hands idle memory back to the
#                   host within minutes (kdamond).
#
# rdmock keeps at most 5 MiB per partition (librdkafka's mock log limit; about
# 4.2 MB of whole 1 MB batches in practice) and drops older data, so it cannot
# serve "consume N from the beginning" when N records exceed PARTITIONS x 4 MiB;
# those rdmock consume figures print "n/a", and the 64-partition layout exists
# to compare consume throughput. A consume run that did not get all N records
# is flagged "incomplete" next to its median. Consume is reported twice:
# msgs_per_s (rdperf's figure, from start to last record) and steady_per_s
# (records / rdperf's steady_s, from first to last record), because rdmock
# answers the first Fetch of a partition only after about 0.5 s.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
pick() { # first executable among the arguments
  for p in "$@"; do [ -x "$p" ] && { echo "$p"; return; }; done
  echo "none of: $*" >&2; return 1
}
RDPERF=${RDPERF:-$(pick "$repo/../shared/tools/kafka-bench/bin/rdperf" /tmp/kb/rdperf)}
RDMOCK=${RDMOCK:-$(pick "$repo/../shared/tools/kafka-bench/bin/rdmock" /tmp/kb/rdmock)}
RUNS=${RUNS:-5}
LAYOUTS=${LAYOUTS:-"1:1000000:1000000 4:1000000:1000000 64:1000000:200000"}
LATENCY=${LATENCY:-1}
LAT_RATE=${LAT_RATE:-10000}
LAT_SECONDS=${LAT_SECONDS:-10}
LAT_LINGER=${LAT_LINGER:-1}
LAT_RUNS=${LAT_RUNS:-$RUNS}
LAT_VARIANTS=${LAT_VARIANTS:-"default=;fw5=-X c:fetch.wait.max.ms=5"}
BROKER_JS="$repo/dist/cli/kafka-server-start.cjs"
[ -f "$BROKER_JS" ] || { echo "no $BROKER_JS: build first (npx tsc -p .)" >&2; exit 1; }
OUT=${OUT:-$(mktemp -d "${TMPDIR:-/tmp}/rdperf-compare.XXXXXX")}
mkdir -p "$OUT"
work=$(mktemp -d "${TMPDIR:-/tmp}/rdperf-compare-run.XXXXXX")
RESULTS="$OUT/results.tsv" # system layout case run metric value
: >"$RESULTS"

brook_pid=""
mock_pid=""
cleanup() {
  stop_systems
  rm -rf "$work" "${LOG_PARENT:-$work}/brook-compare.$$"
}
trap cleanup EXIT

free_port() {
  node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

wait_port() { # host port: bounded wait (10 s) until it accepts
  for _ in $(seq 1 1000); do
    (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null && return 0
    sleep 0.01
  done
  echo "nothing listening on $1:$2" >&2
  return 1
}

warm_memory() {
  [ "${WARM_MEMORY_GIB:-0}" -gt 0 ] || return 0
  node -e 'const n = Number(process.argv[1]); const held = []; for (let i = 0; i < n; i++) held.push(Buffer.alloc(1 << 30, 1))' "$WARM_MEMORY_GIB"
}

start_brook() {
  local port dir=${LOG_PARENT:-$work}/brook-compare.$$
  rm -rf "$dir" && mkdir -p "$dir"
  port=$(free_port)
  printf 'broker.id=0\nlisteners=PLAINTEXT://127.0.0.1:%s\nlog.dirs=%s/data\nbrook.log.level=WARN\n' "$port" "$dir" >"$dir/server.properties"
  node "$BROKER_JS" "$dir/server.properties" >"$dir/broker.out" 2>&1 &
  brook_pid=$!
  wait_port 127.0.0.1 "$port"
  BROOK=127.0.0.1:$port
}

start_mock() { # topic:parts ...
  local args=() line out=$work/mock.$RANDOM.out
  for t in "$@"; do args+=(-t "$t"); done
  : >"$out"
  "$RDMOCK" -n 1 -d 3600 "${args[@]}" >"$out" 2>"$work/mock.err" &
  mock_pid=$!
  for _ in $(seq 1 500); do
    line=$(grep -m1 '^bootstrap.servers=' "$out" || true)
    [ -n "$line" ] && break
    sleep 0.01
  done
  [ -n "$line" ] || { echo "rdmock did not start: $(cat "$work/mock.err")" >&2; return 1; }
  MOCK=${line#bootstrap.servers=}
}

stop_systems() {
  for pid in $brook_pid $mock_pid; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in $brook_pid $mock_pid; do
    wait "$pid" 2>/dev/null || true
  done
  brook_pid=""
  mock_pid=""
}

field() { # RESULT-line key from a file
  { grep '^RESULT' "$1" || true; } | tr ' ' '\n' | sed -n "s/^$2=//p" | tail -1
}

# rdperf against one system; records the figure. system layout case run metric-key args...
measure() {
  local system=$1 layout=$2 case=$3 run=$4 key=$5
  shift 5
  local f="$OUT/$system.p$layout.$case.r$run.txt"
  echo "+ rdperf $*" >"$f"
  if "$RDPERF" "$@" >>"$f" 2>&1; then :; else echo "  ($system $case run $run: rdperf exited $?; see $f)" >&2; fi
  local v
  v=$(field "$f" "$key")
  [ -n "$v" ] || v=nan
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$system" "$layout" "$case" "$run" "$key" "$v" >>"$RESULTS"
  if [ "$case" != "${case#consume}" ]; then
    [ "$(field "$f" complete)" = 1 ] || printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$system" "$layout" "$case" "$run" incomplete 1 >>"$RESULTS"
    v=$(awk -v n="$(field "$f" msgs)" -v s="$(field "$f" steady_s)" 'BEGIN { if (n > 0 && s > 0) printf "%.0f", n / s; else print "nan" }')
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$system" "$layout" "$case" "$run" steady_per_s "$v" >>"$RESULTS"
  fi
}

fits_mock() { # parts n size: does rdmock keep n records of size bytes? (4 MiB/partition)
  awk -v p="$1" -v n="$2" -v s="$3" 'BEGIN { exit !(n * (s + 10) <= p * 4 * 1048576) }'
}

run_layout() { # parts n100 n1k
  local parts=$1 n100=$2 n1k=$3 run sys first second
  for run in $(seq 1 "$RUNS"); do
    local topics=()
    for size in 100 1024; do
      for acks in 1 all; do topics+=("t${size}a${acks}r${run}"); done
    done
    warm_memory
    start_brook
    local mock_topics=()
    for t in "${topics[@]}"; do mock_topics+=("$t:$parts"); done
    start_mock "${mock_topics[@]}"
    # Alternate who goes first, so neither always runs on a warmer machine.
    if [ $((run % 2)) = 1 ]; then first=brook second=rdmock; else first=rdmock second=brook; fi
    for size in 100 1024; do
      local n=$n100
      [ "$size" = 1024 ] && n=$n1k
      for acks in 1 all; do
        for sys in $first $second; do
          if [ "$sys" = brook ]; then
            measure brook "$parts" "produce-${size}-acks${acks}" "$run" msgs_per_s produce -b "$BROOK" -t "t${size}a${acks}r${run}" -c "$parts" -n "$n" -s "$size" -a "$acks"
          else
            measure rdmock "$parts" "produce-${size}-acks${acks}" "$run" msgs_per_s produce -b "$MOCK" -t "t${size}a${acks}r${run}" -n "$n" -s "$size" -a "$acks"
          fi
        done
      done
    done
    for size in 100 1024; do
      local n=$n100
      [ "$size" = 1024 ] && n=$n1k
      for sys in $first $second; do
        if [ "$sys" = brook ]; then
          measure brook "$parts" "consume-${size}" "$run" msgs_per_s consume -b "$BROOK" -t "t${size}a1r${run}" -n "$n" -I 5
        elif fits_mock "$parts" "$n" "$size"; then
          measure rdmock "$parts" "consume-${size}" "$run" msgs_per_s consume -b "$MOCK" -t "t${size}a1r${run}" -n "$n" -I 5
        fi
      done
    done
    stop_systems
  done
}

run_latency() {
  local run variant name extra
  for run in $(seq 1 "$LAT_RUNS"); do
    IFS=';' read -ra variants <<<"$LAT_VARIANTS"
    for variant in "${variants[@]}"; do
      name=${variant%%=*}
      extra=${variant#*=}
      start_brook
      start_mock "lat$run:1"
      for sys in brook rdmock; do
        local b=$BROOK c=(-c 1)
        [ "$sys" = rdmock ] && b=$MOCK c=()
        local f="$OUT/$sys.latency-$name.r$run.txt"
        # shellcheck disable=SC2086 # $extra is a list of rdperf arguments
        echo "+ rdperf latency -b $b -t lat$run ${c[*]} -r $LAT_RATE -T $LAT_SECONDS -l $LAT_LINGER -a 1 $extra" >"$f"
        # shellcheck disable=SC2086
        "$RDPERF" latency -b "$b" -t "lat$run" "${c[@]}" -r "$LAT_RATE" -T "$LAT_SECONDS" -l "$LAT_LINGER" -a 1 $extra >>"$f" 2>&1 || echo "  ($sys latency-$name run $run failed; see $f)" >&2
        for k in p50_ms p99_ms p999_ms; do
          local v
          v=$(field "$f" $k)
          printf '%s\t1\tlatency-%s\t%s\t%s\t%s\n' "$sys" "$name" "$run" "$k" "${v:-nan}" >>"$RESULTS"
        done
      done
      stop_systems
    done
  done
}

echo "rdperf-compare: RUNS=$RUNS LAYOUTS=\"$LAYOUTS\" LATENCY=$LATENCY; raw output in $OUT"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'); node $(node -v); librdkafka $(pkg-config --modversion rdkafka 2>/dev/null || echo unknown)"
[ "${WARM_MEMORY_GIB:-0}" -gt 0 ] && echo "memory: ${WARM_MEMORY_GIB} GiB touched before each run (WARM_MEMORY_GIB)"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for layout in $LAYOUTS; do
  IFS=: read -r parts n100 n1k <<<"$layout"
  echo "layout: $parts partition(s), $n100 x 100 B, $n1k x 1 KiB ..."
  run_layout "$parts" "$n100" "$n1k"
done
[ "$LATENCY" = 1 ] && { echo "latency: $LAT_RATE msg/s for $LAT_SECONDS s, linger $LAT_LINGER ms, 1 partition ..."; run_latency; }
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

# Medians and ratios.
awk -F'\t' '
  function median(s,   n, a, i, j, t) {
    n = split(s, a, " ")
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
    if (n == 0) return ""
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  $5 == "incomplete" { inc[$1 SUBSEP $2 SUBSEP $3] = 1; next }
  $6 != "nan" { k = $2 SUBSEP $3 SUBSEP $5; v[$1 SUBSEP k] = v[$1 SUBSEP k] " " $6; if (!(k in seen)) { seen[k] = 1; order[++n] = k } }
  END {
    printf "\n%-6s %-22s %-10s %14s %14s %8s\n", "parts", "case", "metric", "brook", "rdmock", "ratio"
    for (i = 1; i <= n; i++) {
      split(order[i], f, SUBSEP)
      b = median(v["brook" SUBSEP order[i]]); m = median(v["rdmock" SUBSEP order[i]])
      size = f[2] ~ /1024/ ? 1024 : 100
      r = (b != "" && m != "" && m > 0) ? sprintf("%.2f", b / m) : "n/a"
      fb = b == "" ? "n/a" : sprintf("%.0f", b); fm = m == "" ? "n/a" : sprintf("%.0f", m)
      if (f[3] ~ /_ms$/) { fb = b == "" ? "n/a" : sprintf("%.3f", b); fm = m == "" ? "n/a" : sprintf("%.3f", m) }
      note = ""
      if (inc["brook" SUBSEP f[1] SUBSEP f[2]]) note = note " brook-incomplete"
      if (inc["rdmock" SUBSEP f[1] SUBSEP f[2]]) note = note " rdmock-incomplete"
      printf "%-6s %-22s %-10s %14s %14s %8s%s\n", f[1], f[2], f[3], fb, fm, r, note
      if (f[3] ~ /per_s$/) printf "%-6s %-22s %-10s %14.1f %14s\n", "", "", "MB/s", b * size / 1e6, m == "" ? "n/a" : sprintf("%.1f", m * size / 1e6)
    }
  }' "$RESULTS"
echo "(medians of $RUNS runs, latency of $LAT_RUNS; ratio = brook / rdmock; for latency lower is better; raw: $OUT)"
