#!/bin/bash
# bench/run.sh: igor against the raw inotify reader, side by side, in one
# run.  Run it through `make bench` (QUICK=1 for the short run); the
# figures, their targets and how to read them are in bench/README.md.
#
# Every watcher runs alone on the same directory under the same load from
# gen, one after the other; repeated runs alternate between watchers, so a
# machine that gets busier mid-run slows them alike.  Processes this script
# starts are stopped by their own PID; the temporary directory goes at exit.

set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
: "${B:=build}"
case $B in /*) ;; *) B=$TOP/$B ;; esac
BB=$B/bench
IGOR=$B/igor
IGORCTL=$B/igorctl
EXEC_SO=$B/plugins/exec.so
PLUG=$BB/benchplugin.so
RAW=$BB/rawwatch
GEN=$BB/gen
EXITCOST=$BB/exitcost
unset IGOR_CONFIG IGOR_CONFIG_DIR IGOR_SOCKET IGOR_PLUGIN_DIR

if [ -n "${QUICK:-}" ] && [ "${QUICK}" != 0 ]; then
	MODE=quick REPS=1 DRAIN_ROUNDS=3 LAT_S=3 IDLE_S=3 RESTARTS=10 CRASH_S=5 FAST_S=3
	CTR_N=20 CTR_PODS=5
else
	MODE=full REPS=5 DRAIN_ROUNDS=10 LAT_S=30 IDLE_S=10 RESTARTS=40 CRASH_S=30 FAST_S=10
	CTR_N=20 CTR_PODS=20
fi
THRU_N=${BENCH_FILES:-100000}
LAT_RATE=2000
LOG_N=100000
CMD_N=5000
CMD_BIG_N=50000
SCALE_N=100
DELAY_MS=10 # the restart delay the restart figure subtracts
LIVE_MS=100 # how long a worker runs before the restart figure crashes it
DELAY_S=$(awk -v ms="$DELAY_MS" 'BEGIN { print ms / 1000 }')

for f in "$IGOR" "$PLUG" "$RAW" "$GEN" "$EXITCOST" "$BB/stamp"; do
	[ -x "$f" ] || [ -f "$f" ] || { echo "bench: '$f' missing: run make bench" >&2; exit 1; }
done

# tmpfs when there is one: the disk's noise is not what is measured.
if [ -z "${BENCH_TMPDIR:-}" ]; then
	if [ -d /dev/shm ] && [ -w /dev/shm ]; then
		BENCH_TMPDIR=/dev/shm
	else
		BENCH_TMPDIR=${TMPDIR:-/tmp}
	fi
fi
T=$(mktemp -d "$BENCH_TMPDIR/igor-bench.XXXXXX") || exit 1
W=$T/watched
ROWS=$T/rows.tsv
: >"$ROWS"

# ---- processes --------------------------------------------------------------

_pids=""

track() { _pids="$_pids $1"; }

is_alive() {
	local st
	[ -r "/proc/$1/stat" ] || return 1
	st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
	[ -n "$st" ] && [ "$st" != Z ]
}

# SIGTERM, five seconds, SIGKILL; always reaped.
stop_pid() {
	local p=$1 i=0
	kill -TERM "$p" 2>/dev/null
	while is_alive "$p" && [ $i -lt 250 ]; do
		sleep 0.02
		i=$((i + 1))
	done
	kill -KILL "$p" 2>/dev/null
	wait "$p" 2>/dev/null
	return 0
}

cleanup() {
	local p
	eval "${BENCH_ATEXIT:-}" # podman's pods (containers.sh)
	for p in $_pids; do
		stop_pid "$p"
	done
	tree_cleanup
	if [ -n "${BENCH_KEEP:-}" ]; then
		say "bench: kept $T"
	else
		rm -rf "$T"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { printf '%s\n' "$*" >&2; }

# wait_for 'condition' SECONDS: a bounded poll, every 20 ms.
wait_for() {
	local cond=$1 limit=$((${2:-5} * 50)) i=0
	while [ $i -lt $limit ]; do
		eval "$cond" && return 0
		sleep 0.02
		i=$((i + 1))
	done
	return 1
}

calc() { awk "BEGIN { printf \"%s\", ($1) }" </dev/null; }
fmt() { awk -v v="$1" -v f="$2" 'BEGIN { printf f, v }' </dev/null; }

# ---- /proc ------------------------------------------------------------------

CLK_TCK=$(getconf CLK_TCK)

# utime+stime of every thread of $1, in ns: schedstat's run time, which is
# the same quantity as /proc/PID/stat's utime+stime at ns resolution; the
# stat ticks when schedstat is missing.
cpu_ns() {
	local p=$1 f s sum=0 have=
	for f in /proc/"$p"/task/*/schedstat; do
		[ -r "$f" ] || continue
		read -r s _ <"$f" 2>/dev/null || continue
		sum=$((sum + s))
		have=1
	done
	if [ -z "$have" ] || [ "$sum" = 0 ]; then
		sum=$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null |
			awk -v hz="$CLK_TCK" '{ printf "%.0f", ($12 + $13) * 1e9 / hz }')
	fi
	echo "${sum:-0}"
}

ctxsw() {
	awk '/^(non)?voluntary_ctxt_switches/ { n += $2 } END { print n + 0 }' \
		/proc/"$1"/task/*/status 2>/dev/null
}

reads() { # read(2)-family calls of $1 so far
	awk '/^syscr/ { print $2 }' "/proc/$1/io" 2>/dev/null
}

hwm_kb() {
	awk '/^VmHWM/ { print $2 }' "/proc/$1/status" 2>/dev/null
}

# Waits until $1 has used no CPU for 100 ms (bounded): its queue is empty.
wait_quiet() {
	local a b i=0
	b=$(cpu_ns "$1")
	while [ $i -lt 50 ]; do
		sleep 0.1
		a=$b
		b=$(cpu_ns "$1")
		[ "$a" = "$b" ] && return 0
		i=$((i + 1))
	done
}

# ---- the load and the watchers ---------------------------------------------

fresh_dir() {
	rm -rf "$W"
	mkdir -p "$W"
}

# ask NAME FILE: touches W/NAME until FILE appears (an overflow may drop one
# touch, a watch may not be in place yet), bounded to 60 s.
ask() {
	ask_until "$1" "[ -e '$2' ]"
}

ask_until() { # NAME CONDITION
	local i=0
	while [ $i -lt 60 ]; do
		"$GEN" -d "$W" -t "$1" || return 1
		wait_for "$2" 1 && return 0
		i=$((i + 1))
	done
	say "bench: no answer to '$1' in 60 s"
	return 1
}

# conf_dir DIR [IGOR.CONF-BODY]: a fresh config dir for one igor; the
# caller adds the plugin configs.
conf_dir() {
	rm -rf "$1"
	mkdir -p "$1"
	printf '%s\n' "${2:-log_level: info}" >"$1/igor.conf"
}

bench_conf() { # DIR NAME EXTRA-YAML
	cat >"$1/$2.conf" <<EOF
name: $2
plugin: "$PLUG"
paths: ["$W"]
out: "$1/out"
max: $THRU_N
ready_file: "$1/ready"
$3
EOF
}

IGOR_PID=
# igor_start DIR -vvv: igor on config dir DIR, its log in DIR/igor.log.
igor_start() {
	IGOR_CONFIG_DIR=$1 "$IGOR" $2 -s "$1/igor.sock" 2>"$1/igor.log" &
	IGOR_PID=$!
	track "$IGOR_PID"
}

# The count of "is ready" lines (-vvvv) for plugin $2 in log $1.
ready_count() {
	grep -c "plugin '$2' (pid [0-9]*) is ready" "$1" 2>/dev/null
}

WATCHER_PID= SUP_PID=
# start_watcher raw|igor|inotifywait DIR: runs it on W, waits for its watch.
start_watcher() {
	local kind=$1 d=$2
	rm -rf "$d"
	mkdir -p "$d"
	SUP_PID=
	case $kind in
	raw)
		"$RAW" "$W" "$d/out" "$THRU_N" 2>"$d/err" &
		WATCHER_PID=$!
		track "$WATCHER_PID"
		wait_for "[ -s '$d/out.ready' ]" 10 || return 1
		;;
	igor)
		conf_dir "$d"
		bench_conf "$d" bench ""
		igor_start "$d" -vvv
		SUP_PID=$IGOR_PID
		wait_for "[ -s '$d/ready' ]" 10 || return 1
		WATCHER_PID=$(cat "$d/ready")
		;;
	inotifywait)
		inotifywait -m -q --format '%e %f' "$W" >"$d/out" 2>"$d/err" &
		WATCHER_PID=$!
		track "$WATCHER_PID"
		ask_until bench.probe "grep -q 'CLOSE_WRITE,CLOSE bench.probe' '$d/out'" ||
			return 1
		;;
	esac
}

stop_watcher() {
	stop_pid "${SUP_PID:-$WATCHER_PID}"
}

# inotifywait has no record of its own: its output, summarised the same way.
inotifywait_summary() { # OUT-LINES FILE
	awk '
	$2 ~ /^f[0-9][0-9][0-9][0-9][0-9][0-9][0-9]$/ {
		ge++
		if ($1 ~ /CLOSE_WRITE/ && !seen[$2]++) files++
	}
	$1 ~ /Q_OVERFLOW/ { ov++ }
	$1 !~ /Q_OVERFLOW/ { ev++ }
	END { printf "events %d\ngen_events %d\nfiles %d\noverflows %d\n", ev, ge, files, ov }
	' "$1"
}

field() { awk -v k="$1" '$1 == k { print $2; exit }' "$2"; }

# The supervisor's count of events for plugin $2 (socket $1), or "".
igorctl_events() {
	[ -x "$IGORCTL" ] || return 0
	"$IGORCTL" -s "$1" status --json 2>/dev/null |
		jq -r --arg n "$2" '.[] | select(.name == $n) | .events' 2>/dev/null
}


# ---- time of day, for igor's log lines --------------------------------------

# igor logs local time to the millisecond; these put both sides in ms
# since local midnight.
TZ_OFF_MS=$(date +%z | awk '{ s = substr($1, 1, 1) == "-" ? -1 : 1
	print s * (substr($1, 2, 2) * 3600 + substr($1, 4, 2) * 60) * 1000 }')

realtime_to_day_ms() { # ns since the epoch on stdin, one a line
	awk -v off="$TZ_OFF_MS" '{ printf "%.3f\n", ($1 / 1e6 + off) % 86400000 }'
}

log_day_ms() { # PATTERN LOG: ms since midnight of each matching line
	awk -v pat="$1" '$0 ~ pat { split($1, a, "T"); split(a[2], b, ":")
		printf "%.0f\n", (b[1] * 3600 + b[2] * 60 + b[3]) * 1000 }' "$2"
}

# ---- results ---------------------------------------------------------------

# row FIGURE IGOR REFERENCE RATIO TARGET VERDICT
row() {
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" "$6" >>"$ROWS"
}

verdict() { # awk condition on nothing: ok or MISSED
	if awk "BEGIN { exit !($1) }" </dev/null; then echo ok; else echo MISSED; fi
}

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }
maxof() { sort -g | tail -n 1; }

# Nearest-rank percentiles of the numbers on stdin: "p50 p99 max n".
percentiles() {
	sort -g | awk '{ v[NR] = $1 }
	function at(q,  i) { i = int(q * NR); if (i < q * NR) i++; if (i < 1) i = 1; return v[i] }
	END { if (NR) printf "%s %s %s %d\n", at(0.5), at(0.99), v[NR], NR }'
}

# ---- throughput ---------------------------------------------------------------

# thru_one KIND REP: THRU_N files as fast as gen goes.  Appends to thru.tsv:
# kind rep events/s gen_events files overflows cpu_ns(watcher)
# cpu_ns(supervisor) hwm_kb(watcher) hwm_kb(supervisor) supervisor_events
# plugin_events gen_files/s reads(watcher)
thru_one() {
	local kind=$1 rep=$2 d=$T/thru-$1 c0 c1 s0=0 s1=0 hw hs=- se=- pe=- gfs
	local r0 r1
	fresh_dir
	if ! start_watcher "$kind" "$d"; then
		say "bench: $kind did not start"
		stop_watcher
		return 1
	fi
	c0=$(cpu_ns "$WATCHER_PID")
	r0=$(reads "$WATCHER_PID")
	[ -n "$SUP_PID" ] && s0=$(cpu_ns "$SUP_PID")
	"$GEN" -d "$W" -n "$THRU_N" >"$d/gen" || return 1
	if [ "$kind" = inotifywait ]; then
		# No timestamps of its own: the driver's sight of the sync
		# bounds its last event.
		"$GEN" -d "$W" -t bench.sync
		wait_for "tail -n 2 '$d/out' | grep -q 'CLOSE_WRITE,CLOSE bench.sync'" 120
		{ inotifywait_summary "$d/out"; echo "last $("$GEN" -C)"; } >"$d/out.sync"
	else
		ask bench.sync "$d/out.sync" || { stop_watcher; return 1; }
	fi
	wait_quiet "$WATCHER_PID"
	[ -n "$SUP_PID" ] && wait_quiet "$SUP_PID"
	c1=$(cpu_ns "$WATCHER_PID")
	r1=$(reads "$WATCHER_PID")
	[ -n "$SUP_PID" ] && s1=$(cpu_ns "$SUP_PID")
	hw=$(hwm_kb "$WATCHER_PID")
	[ -n "$SUP_PID" ] && hs=$(hwm_kb "$SUP_PID")
	if [ "$kind" = igor ]; then
		pe=$(field events "$d/out.sync")
		if [ -x "$IGORCTL" ]; then
			wait_for "[ \"\$(igorctl_events '$d/igor.sock' bench)\" = '$pe' ]" 5
			se=$(igorctl_events "$d/igor.sock" bench)
		fi
		[ -n "$se" ] || se=-
	fi
	gfs=$(awk '$1 == "start" { s = $2 } $1 == "end" { e = $2 }
		END { printf "%.0f", '"$THRU_N"' / ((e - s) / 1e9) }' "$d/gen")
	awk -v k="$kind" -v r="$rep" -v start="$(field start "$d/gen")" \
		-v cw="$((c1 - c0))" -v cs="$((s1 - s0))" -v hw="$hw" -v hs="$hs" \
		-v se="$se" -v pe="$pe" -v gfs="$gfs" -v rd="$((r1 - r0))" '
	{ v[$1] = $2 }
	END {
		dt = (v["last"] - start) / 1e9
		printf "%s\t%d\t%.0f\t%d\t%d\t%d\t%d\t%d\t%s\t%s\t%s\t%s\t%s\t%d\n",
			k, r, (dt > 0 ? v["gen_events"] / dt : 0), v["gen_events"],
			v["files"], v["overflows"], cw, cs, hw, hs, se, pe, gfs, rd
	}' "$d/out.sync" >>"$T/thru.tsv"
	stop_watcher
	rm -rf "$W"
}

# col KIND N: column N of thru.tsv for KIND, one a line
col() { awk -F'\t' -v k="$1" -v n="$2" '$1 == k { print $n }' "$T/thru.tsv"; }

# ns of CPU per event, per run, of KIND: columns 7 (+ 8 with supervisor)
cpu_per_event() { # KIND with_sup
	awk -F'\t' -v k="$1" -v s="$2" '$1 == k && $4 > 0 {
		printf "%.1f\n", ($7 + (s ? $8 : 0)) / $4 }' "$T/thru.tsv"
}

lost_of() { # KIND: the worst run's "lost" (files missing, no overflow)
	awk -F'\t' -v k="$1" -v n="$THRU_N" '$1 == k {
		l = n - $5; if ($6 > 0) o = o + $6; else if (l > m) m = l }
	END { printf "%d%s", m, o ? " (+" o " overflows)" : "" }' "$T/thru.tsv"
}

figure_throughput() {
	local r kind
	say "bench: throughput: $THRU_N files as fast as possible, $REPS run(s) each"
	: >"$T/thru.tsv"
	for r in $(seq 1 "$REPS"); do
		for kind in raw igor inotifywait; do
			if [ "$kind" = inotifywait ] && ! command -v inotifywait >/dev/null; then
				continue
			fi
			thru_one "$kind" "$r" || say "bench: $kind run $r failed"
		done
	done
	local rev iev raw_c ig_c ig_w iw_c iw_ev gfs ov_raw ov_ig
	gfs=$(col raw 13 | median)
	rev=$(col raw 3 | median)
	iev=$(col igor 3 | median)
	raw_c=$(cpu_per_event raw 0 | median)
	ig_c=$(cpu_per_event igor 1 | median)
	ig_w=$(cpu_per_event igor 0 | median)
	if [ -z "$rev" ] || [ -z "$iev" ]; then
		row "throughput" "failed (see the messages above)" "" "" "" MISSED
		return
	fi
	row "throughput: events/s (gen made ${gfs} files/s)" "$iev" "$rev" \
		"$(calc "$iev / $rev" | xargs printf '%.2f')" "(gen-bound)" "-"
	ov_raw=$(col raw 6 | maxof)
	ov_ig=$(col igor 6 | maxof)
	row "throughput: events lost (missing, no overflow)" "$(lost_of igor)" \
		"$(lost_of raw)" "" "0; overflow only if raw overflows" \
		"$(verdict "$(lost_of igor | cut -d' ' -f1) == 0 && ($ov_ig == 0 || $ov_raw > 0)")"
	row "throughput: CPU ns/event, worker+supervisor" "$ig_c" "$raw_c" \
		"$(calc "$ig_c / $raw_c" | xargs printf '%.2f')" "<= 1.5x" \
		"$(verdict "$ig_c <= 1.5 * $raw_c")"
	row "throughput: CPU ns/event, worker alone" "$ig_w" "$raw_c" \
		"$(calc "$ig_w / $raw_c" | xargs printf '%.2f')" "<= 1.2x" \
		"$(verdict "$ig_w <= 1.2 * $raw_c")"
	local rpr ipr
	rpr=$(awk -F'\t' '$1 == "raw" && $14 > 0 { printf "%.1f\n", $4 / $14 }' "$T/thru.tsv" | median)
	ipr=$(awk -F'\t' '$1 == "igor" && $14 > 0 { printf "%.1f\n", $4 / $14 }' "$T/thru.tsv" | median)
	row "  events per read() (wakeups; explains CPU/event)" "$ipr" "$rpr" "" "(diagnostic)" "-"
	if [ -n "$(col inotifywait 1)" ]; then
		iw_c=$(cpu_per_event inotifywait 0 | median)
		iw_ev=$(col inotifywait 3 | median)
		row "  inotifywait -m: events/s; CPU ns/event; lost" \
			"$iw_ev; $iw_c; $(lost_of inotifywait)" "$rev; $raw_c" \
			"$(calc "$iw_c / $raw_c" | xargs printf '%.2f') (CPU)" "(reference)" "-"
	else
		row "  inotifywait -m" "skipped (inotifywait not installed)" "" "" "" "-"
	fi
	local se pe
	se=$(col igor 11 | tail -n 1)
	pe=$(col igor 12 | tail -n 1)
	if [ ! -x "$IGORCTL" ]; then
		row "supervisor sees every event" \
			"skipped (build/igorctl missing: igorctl status --json, issue 5)" \
			"" "" "= plugin's count" "-"
	else
		row "supervisor sees every event (igorctl EVENTS)" "$se" "$pe (plugin)" "" \
			"= plugin's count" "$(verdict "\"$se\" == \"$pe\"")"
	fi
	local rh sh wh
	rh=$(col raw 9 | maxof)
	wh=$(col igor 9 | maxof)
	sh=$(col igor 10 | maxof)
	row "memory: VmHWM kB, supervisor" "$sh" "$rh" "$(calc "$sh - $rh" | xargs printf '%+d kB')" \
		"<= raw + 2048 kB" "$(verdict "$sh <= $rh + 2048")"
	row "memory: VmHWM kB, worker" "$wh" "$rh" "$(calc "$wh - $rh" | xargs printf '%+d kB')" \
		"<= raw + 2048 kB" "$(verdict "$wh <= $rh + 2048")"
}

# ---- drain: CPU per event without wakeups ------------------------------------

# The watcher is stopped while gen fills its queue (below
# max_queued_events), then continued: it drains the queue in full reads,
# so the CPU it spends is the events' own, not the scheduler's.
DRAIN_FILES=4000 # x4 events + 4 of the sync: under the default 16384

drain_one() { # KIND: prints "events cpu_ns(watcher) cpu_ns(supervisor)"
	local kind=$1 d=$T/drain-$1 i c=0 s=0 c0 s0 ev=0 p
	fresh_dir
	start_watcher "$kind" "$d" || { stop_watcher; return 1; }
	for i in $(seq 1 "$DRAIN_ROUNDS"); do
		rm -f "$d/out.sync"
		kill -STOP "$WATCHER_PID"
		"$GEN" -d "$W" -n "$DRAIN_FILES" -f $(((i - 1) * DRAIN_FILES)) >/dev/null
		"$GEN" -d "$W" -t bench.sync
		c0=$(cpu_ns "$WATCHER_PID")
		[ -n "$SUP_PID" ] && s0=$(cpu_ns "$SUP_PID")
		kill -CONT "$WATCHER_PID"
		wait_for "[ -e '$d/out.sync' ]" 30 || break
		wait_quiet "$WATCHER_PID"
		[ -n "$SUP_PID" ] && wait_quiet "$SUP_PID"
		c=$((c + $(cpu_ns "$WATCHER_PID") - c0))
		[ -n "$SUP_PID" ] && s=$((s + $(cpu_ns "$SUP_PID") - s0))
		p=$(field overflows "$d/out.sync")
		[ "$p" = 0 ] || say "bench: drain: $kind overflowed"
	done
	ev=$(field gen_events "$d/out.sync")
	stop_watcher
	rm -rf "$W"
	echo "$ev $c $s"
}

figure_drain() {
	local raw ig
	say "bench: drain: $DRAIN_ROUNDS x $DRAIN_FILES files queued while the watcher is stopped"
	raw=$(drain_one raw)
	ig=$(drain_one igor)
	if [ -z "$raw" ] || [ -z "$ig" ]; then
		row "drain" "failed" "" "" "" "-"
		return
	fi
	set -- $raw
	local rn=$1 rc
	rc=$(calc "$2 / $1" | xargs printf '%.1f')
	set -- $ig
	row "  drain, no wakeups: CPU ns/event, worker+supervisor (n=$1 vs $rn)" \
		"$(calc "($2 + $3) / $1" | xargs printf '%.1f')" "$rc" \
		"$(calc "($2 + $3) / $1 / $rc" | xargs printf '%.2f')" "(diagnostic)" "-"
	row "  drain, no wakeups: CPU ns/event, worker alone" \
		"$(calc "$2 / $1" | xargs printf '%.1f')" "$rc" \
		"$(calc "$2 / $1 / $rc" | xargs printf '%.2f')" "(diagnostic)" "-"
}

# ---- latency -------------------------------------------------------------------

lat_one() { # KIND: prints "p50 p99 max n" in µs
	local kind=$1 d=$T/lat-$1 n=$((LAT_RATE * LAT_S))
	fresh_dir
	start_watcher "$kind" "$d" || { stop_watcher; return 1; }
	"$GEN" -d "$W" -n "$n" -r "$LAT_RATE" -o "$d/gen.times" >/dev/null || return 1
	ask bench.end "$d/out" || { stop_watcher; return 1; }
	stop_watcher
	rm -rf "$W"
	awk 'NR == FNR { g[$1] = $2; next }
	     NF == 2 && $1 ~ /^[0-9]+$/ && ($1 in g) { printf "%.1f\n", ($2 - g[$1]) / 1000 }' \
		"$d/gen.times" "$d/out" | percentiles
}

figure_latency() {
	local raw ig
	say "bench: latency: $LAT_RATE files/s for $LAT_S s, raw then igor"
	raw=$(lat_one raw)
	ig=$(lat_one igor)
	if [ -z "$raw" ] || [ -z "$ig" ]; then
		row "latency at $LAT_RATE files/s" "failed" "" "" "" MISSED
		return
	fi
	set -- $raw
	local rp50=$1 rp99=$2 rmax=$3 rn=$4
	set -- $ig
	row "latency us at $LAT_RATE/s: p50 / p99 / max (n=$4 vs $rn)" \
		"$1 / $2 / $3" "$rp50 / $rp99 / $rmax" \
		"$(calc "$2 - $rp99" | xargs printf '%+.1f us') p99" \
		"p99 <= raw p99 + 100 us" "$(verdict "$2 <= $rp99 + 100 && $4 == $rn")"
}

# ---- idle --------------------------------------------------------------------

figure_idle() {
	local rawpid sup wk r0 s0 w0 r1 s1 w1
	say "bench: idle: context switches over $IDLE_S s"
	fresh_dir
	start_watcher raw "$T/idle-raw" || { row "idle" "failed" "" "" "" MISSED; return; }
	rawpid=$WATCHER_PID
	start_watcher igor "$T/idle-igor" || { stop_pid "$rawpid"; stop_watcher; row "idle" "failed" "" "" "" MISSED; return; }
	sup=$SUP_PID wk=$WATCHER_PID
	wait_quiet "$sup"
	r0=$(ctxsw "$rawpid") s0=$(ctxsw "$sup") w0=$(ctxsw "$wk")
	sleep "$IDLE_S" # the measurement window, not a synchronisation
	r1=$(ctxsw "$rawpid") s1=$(ctxsw "$sup") w1=$(ctxsw "$wk")
	stop_pid "$sup"
	stop_pid "$rawpid"
	row "idle: context switches in ${IDLE_S} s, supervisor" "$((s1 - s0))" "$((r1 - r0))" "" \
		"0" "$(verdict "$((s1 - s0)) == 0")"
	row "idle: context switches in ${IDLE_S} s, worker" "$((w1 - w0))" "$((r1 - r0))" "" \
		"0" "$(verdict "$((w1 - w0)) == 0")"
}

# ---- restart -------------------------------------------------------------------

figure_restart() {
	local d=$T/restart i stats
	say "bench: restart: $RESTARTS crashes, restart delay ${DELAY_MS} ms"
	fresh_dir
	conf_dir "$d" "restart: {delay: $DELAY_S, max_delay: $DELAY_S}"
	bench_conf "$d" bench "crash_on: crash
crash_log: \"$d/crash.log\""
	igor_start "$d" -vvvv
	if ! wait_for "[ \"\$(ready_count '$d/igor.log' bench)\" -ge 1 ]" 10; then
		stop_pid "$IGOR_PID"
		row "restart" "failed (no ready)" "" "" "" MISSED
		return
	fi
	for i in $(seq 1 "$RESTARTS"); do
		# A worker that crashes the moment it is up pays for the
		# kernel's teardown of its predecessor's inotify instance (see
		# exitcost.c): that is the crash loop, below.  Here it lives
		# LIVE_MS first, and exitcost's child the same.
		sleep "$(calc "$LIVE_MS / 1000")"
		"$GEN" -d "$W" -t crash
		wait_for "[ \"\$(ready_count '$d/igor.log' bench)\" -ge $((i + 1)) ]" 10 || break
	done
	stop_pid "$IGOR_PID"
	realtime_to_day_ms <"$d/crash.log" >"$d/crash.ms"
	log_day_ms "plugin 'bench' \\(pid [0-9]+\\) is ready" "$d/igor.log" | tail -n +2 >"$d/ready.ms"
	stats=$(paste "$d/crash.ms" "$d/ready.ms" |
		awk -v dl="$DELAY_MS" 'NF == 2 { x = $2 - $1; if (x < -43200000) x += 86400000; printf "%.1f\n", x - dl }' |
		percentiles)
	if [ -z "$stats" ]; then
		row "restart" "failed (no crash was seen)" "" "" "" MISSED
		return
	fi
	local floor
	floor=$("$EXITCOST" "$W" "$RESTARTS" "$LIVE_MS" | percentiles)
	set -- $stats
	local p50=$1 pmax=$3 n=$4
	set -- $floor
	row "restart: crash -> ready - delay, ms: p50 / max (n=$n)" "$p50 / $pmax" \
		"$1 / $3 (exit of a process holding a watch)" "$(calc "$p50 - $1" | xargs printf '%+.1f ms') p50" \
		"<= 10 ms" "$(verdict "$p50 <= 10")"
	# Where the time goes, from igor's own lines (1 ms resolution).
	log_day_ms "plugin 'bench' \\(pid [0-9]+\\) exited" "$d/igor.log" >"$d/exit.ms"
	log_day_ms "plugin 'bench' started" "$d/igor.log" | tail -n +2 >"$d/start.ms"
	local parts
	parts=$(paste "$d/crash.ms" "$d/exit.ms" "$d/start.ms" "$d/ready.ms" | awk 'NF == 4 {
		a[NR] = $2 - $1; b[NR] = $3 - $2; c[NR] = $4 - $3; n = NR }
		function med(v,  i, j, t, m) { m = n; for (i = 1; i <= m; i++) w[i] = v[i]
			for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (w[j] < w[i]) { t = w[i]; w[i] = w[j]; w[j] = t }
			return w[int((m + 1) / 2)] }
		END { if (n) printf "%.1f / %.0f / %.0f", med(a), med(b), med(c) }')
	row "  restart, p50 ms: crash->reaped / reaped->spawned / spawned->ready" "$parts" "" "" \
		"(diagnostic; delay $DELAY_MS ms)" "-"
}

# ---- crash loop ----------------------------------------------------------------

# crash_loop SECONDS "igor.conf body" LABEL TARGET?
crash_loop() {
	local secs=$1 d=$T/crashloop s0 s1 t0 t1 g pct n
	fresh_dir
	conf_dir "$d" "$2"
	bench_conf "$d" bench "crash_any: true
crash_log: \"$d/crash.log\""
	igor_start "$d" -vvv
	if ! wait_for "[ -s '$d/ready' ]" 10; then
		stop_pid "$IGOR_PID"
		row "$3" "failed (no ready)" "" "" "" MISSED
		return
	fi
	s0=$(cpu_ns "$IGOR_PID") t0=$("$GEN" -C)
	"$GEN" -d "$W" -n $((secs * 100)) -r 100 >/dev/null &
	g=$!
	track "$g"
	wait "$g"
	s1=$(cpu_ns "$IGOR_PID") t1=$("$GEN" -C)
	stop_pid "$IGOR_PID"
	n=$(wc -l <"$d/crash.log" 2>/dev/null || echo 0)
	pct=$(calc "($s1 - $s0) * 100 / ($t1 - $t0)" | xargs printf '%.2f')
	if [ -n "$4" ]; then
		row "$3 ($n crashes in $secs s)" "$pct %" "" "" "<= 2 % of a core" "$(verdict "$pct <= 2")"
	else
		row "$3 ($n crashes in $secs s)" "$pct %" "" "" "(reference)" "-"
	fi
}

figure_crash_loop() {
	say "bench: crash loop: a plugin crashing on every event, $CRASH_S s, default restart policy"
	crash_loop "$CRASH_S" "log_level: info" "crash loop: supervisor CPU, default backoff" yes
	say "bench: crash loop: $FAST_S s more, restart delay ${DELAY_MS} ms without doubling"
	crash_loop "$FAST_S" "restart: {delay: $DELAY_S, max_delay: $DELAY_S}" \
		"  same, delay ${DELAY_MS} ms, no doubling" ""
}

# ---- scale ---------------------------------------------------------------------

figure_scale() {
	local d=$T/scale i t0 t1 ms st=-
	say "bench: scale: $SCALE_N plugins"
	conf_dir "$d"
	for i in $(seq 1 "$SCALE_N"); do
		printf 'name: s%03d\nplugin: "%s"\n' "$i" "$PLUG" >"$d/s$(printf %03d "$i").conf"
	done
	t0=$(date +%s%N)
	igor_start "$d" -vvvv
	if ! wait_for "[ \"\$(grep -c 'is ready' '$d/igor.log')\" -ge $SCALE_N ]" 30; then
		stop_pid "$IGOR_PID"
		row "scale: $SCALE_N plugins -> all running" \
			"failed ($(grep -c 'is ready' "$d/igor.log") ready in 30 s)" "" "" "<= 1 s" MISSED
		return
	fi
	if [ -x "$IGORCTL" ]; then
		"$IGORCTL" -s "$d/igor.sock" status >/dev/null 2>&1 && st="all running" ||
			st="igorctl status: not all running"
	fi
	stop_pid "$IGOR_PID"
	t0=$(echo "$t0" | realtime_to_day_ms)
	t1=$(log_day_ms "is ready" "$d/igor.log" | maxof)
	ms=$(calc "($t1 - $t0 + 86400000) % 86400000" | xargs printf '%.0f')
	row "scale: $SCALE_N plugins -> all running, ms" "$ms${st:+ ($st)}" "" "" "<= 1000 ms" \
		"$(verdict "$ms <= 1000")"
}

# ---- log path ------------------------------------------------------------------

figure_log() {
	local d=$T/logpath n u t0 t1 rate
	say "bench: log path: $LOG_N lines from one plugin"
	fresh_dir
	conf_dir "$d"
	bench_conf "$d" bench "log_on: log.go
log_lines: $LOG_N"
	igor_start "$d" -vvv
	if ! wait_for "[ -s '$d/ready' ]" 10; then
		stop_pid "$IGOR_PID"
		row "log path" "failed (no ready)" "" "" "" MISSED
		return
	fi
	"$GEN" -d "$W" -t log.go
	wait_for "[ \"\$(grep -c 'plugin bench: L' '$d/igor.log')\" -ge $LOG_N ]" 60
	wait_quiet "$IGOR_PID"
	stop_pid "$IGOR_PID"
	grep 'plugin bench: L[0-9]' "$d/igor.log" >"$d/lines"
	n=$(wc -l <"$d/lines")
	u=$(sed 's/.*plugin bench: //' "$d/lines" | sort -u | wc -l)
	t0=$(log_day_ms . "$d/lines" | head -n 1)
	t1=$(log_day_ms . "$d/lines" | tail -n 1)
	rate=$(calc "$n > 1 && $t1 > $t0 ? ($n - 1) * 1000 / ($t1 - $t0) : 0" | xargs printf '%.0f')
	row "log path: lines/s at the sink; lines lost" "$rate; $((LOG_N - u))" "" "" \
		">= 200000/s; 0 lost" "$(verdict "$rate >= 200000 && $u == $LOG_N")"
}

# ---- command per event -----------------------------------------------------------

# count_done DIR: how many of gen's files the command has touched
count_done() { ls -f "$1" 2>/dev/null | grep -c '^f'; }

# cmd_run DONE N: gen's N files; prints "rate count" once DONE stops
# growing (5 s) or is full.
cmd_run() {
	local done=$1 cmd_n=$2 t0 tl n last=-1 i=0
	t0=$("$GEN" -C)
	tl=$t0
	"$GEN" -d "$W" -n "$cmd_n" >/dev/null
	while [ $i -lt 250 ]; do # 5 s without progress
		n=$(count_done "$done")
		if [ "$n" != "$last" ]; then
			last=$n
			tl=$("$GEN" -C)
			i=0
		fi
		[ "$n" -ge "$cmd_n" ] && break
		sleep 0.02
		i=$((i + 1))
	done
	calc "$n / (($tl - $t0) / 1e9)" | xargs printf '%.0f'
	echo " $n"
}

cmd_exec() { # N
	local d=$T/cmd-exec done
	done=$d/done
	conf_dir "$d"
	mkdir -p "$done"
	cat >"$d/exec.conf" <<EOF
name: exec
plugin: "$EXEC_SO"
paths: ["$W"]
events: [close_write]
command: [touch, "$done/{name}"]
EOF
	igor_start "$d" -vvv
	ask probe "$done/probe" || { stop_pid "$IGOR_PID"; return 1; }
	rm -f "$done/probe"
	cmd_run "$done" "$1"
	stop_pid "$IGOR_PID"
}

INCRON_NOTE=
have_incron() {
	local before after p
	command -v incrond >/dev/null && return 0
	if [ "$(id -u)" != 0 ]; then
		INCRON_NOTE="incron not installed; run as root to install it"
		return 1
	fi
	say "bench: installing incron (apt-get install -y incron)"
	before=$(pidof incrond)
	if ! { DEBIAN_FRONTEND=noninteractive apt-get install -y -q incron ||
		{ apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q incron; }; } \
		>"$T/apt.log" 2>&1; then
		INCRON_NOTE="apt-get install incron failed"
		return 1
	fi
	# A package may start its service: stop what our install started.
	after=$(pidof incrond)
	for p in $after; do
		case " $before " in *" $p "*) ;; *) kill -TERM "$p" ;; esac
	done
	command -v incrond >/dev/null
}

cmd_incron() { # N
	local d=$T/cmd-incron done
	done=$d/done
	rm -rf "$d"
	mkdir -p "$done" "$d/tab" "$d/user" "$d/run"
	echo root >"$d/allow"
	: >"$d/deny"
	cat >"$d/incron.conf" <<EOF
system_table_dir = $d/tab
user_table_dir = $d/user
allowed_users = $d/allow
denied_users = $d/deny
lockfile_dir = $d/run
lockfile_name = bench-incrond
EOF
	# loopable: incron would otherwise ignore the watch while a command runs.
	echo "$W IN_CLOSE_WRITE,loopable=true touch $done/\$#" >"$d/tab/bench"
	incrond -n -f "$d/incron.conf" >"$d/log" 2>&1 &
	local p=$!
	track "$p"
	ask probe "$done/probe" || { stop_pid "$p"; return 1; }
	rm -f "$done/probe"
	cmd_run "$done" "$1"
	stop_pid "$p"
}

# command_row N: exec.so then incron on N files.  The target, 0 lost,
# holds for the first size only: above the kernel's queue (exec.so
# pauses its instance while its own queue is full), a burst overflows it.
command_row() {
	local n=$1 target=$2 ex=- inc=- exrate exn irate in
	say "bench: command per event: $n files, exec.so then incron"
	if [ -f "$EXEC_SO" ]; then
		fresh_dir
		ex=$(cmd_exec "$n") || ex=failed
	else
		ex="skipped (build/plugins/exec.so missing: issue 6)"
	fi
	if have_incron; then
		fresh_dir
		inc=$(cmd_incron "$n") || inc=failed
	else
		inc="skipped ($INCRON_NOTE)"
	fi
	case "$ex $inc" in
	*skipped*|*failed*)
		row "command per event, $n files: touch per file, files/s; lost" "$ex" "incron: $inc" "" \
			"$target" "-"
		return
		;;
	esac
	set -- $ex
	exrate=$1 exn=$2
	set -- $inc
	irate=$1 in=$2
	row "command per event, $n files: touch per file, files/s; lost" "$exrate; $((n - exn))" \
		"incron: $irate; $((n - in))" "$(calc "$exrate / ($irate + 0.001)" | xargs printf '%.2f')" \
		"$target" "$(if [ "$target" = "(reference)" ]; then echo -; else
			verdict "$exrate >= $irate && $exn == $n"; fi)"
}

figure_command() {
	command_row "$CMD_N" ">= incron's rate; 0 lost"
	[ "$MODE" = quick ] || command_row "$CMD_BIG_N" "(reference)"
}

# ---- recursive watches ----------------------------------------------------------

. "$TOP/bench/trees.sh"

# ---- the report ----------------------------------------------------------------

# The containers figure (containers.sh) uses the helpers above.
# shellcheck source=containers.sh
. "$TOP/bench/containers.sh"

print_table() {
	awk -F'\t' '
	{ for (i = 1; i <= NF; i++) { c[NR, i] = $i; if (length($i) > w[i]) w[i] = length($i) } n = NR }
	END {
		for (r = 1; r <= n; r++) {
			line = ""
			for (i = 1; i <= 6; i++)
				line = line sprintf(i < 6 ? "%-" w[i] "s | " : "%s", c[r, i])
			print line
			if (r == 1) {
				line = ""
				for (i = 1; i <= 6; i++) {
					s = sprintf("%" w[i] "s", ""); gsub(/ /, "-", s)
					line = line s (i < 6 ? "-+-" : "")
				}
				print line
			}
		}
	}'
}

header() {
	local rev dirty=
	rev=$(git -C "$TOP" rev-parse --short HEAD 2>/dev/null || echo unknown)
	[ -n "$(git -C "$TOP" status --porcelain 2>/dev/null)" ] && dirty=+changes
	echo "# command: ${BENCH_CMD:-bash bench/run.sh}"
	echo "# date: $(date '+%Y-%m-%dT%H:%M:%S%z'); mode: $MODE; commit: $rev$dirty"
	echo "# machine: $(nproc) cpu(s), $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), Linux $(uname -r); shared: compare ratios, not absolute times"
	echo "# load: files in $BENCH_TMPDIR; fs.inotify.max_queued_events=$(cat /proc/sys/fs/inotify/max_queued_events)"
}

main() {
	local started res f
	started=$(date +%s)
	say "bench: $MODE run in $T"
	for f in ${BENCH_ONLY:-throughput drain latency idle restart crash_loop scale log command containers tree_setup tree_race tree_overflow}; do
		"figure_$f"
	done
	mkdir -p "$TOP/bench/results"
	res=$TOP/bench/results/$(date +%Y%m%d-%H%M%S)-$MODE.tsv
	{
		header
		echo "# took: $(($(date +%s) - started)) s"
		printf 'figure\tigor\traw reader\tigor vs raw\ttarget\tresult\n'
		cat "$ROWS"
	} >"$res"
	echo
	grep '^#' "$res" | sed 's/^# //'
	echo
	grep -v '^#' "$res" | print_table
	echo
	echo "TSV: ${res#$TOP/}"
}

main
