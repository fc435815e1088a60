# bench/trees.sh: the figures of recursive watches (issue 15), sourced by
# bench/run.sh, which provides the helpers (track, stop_pid, wait_for,
# row, verdict, cpu_ns, ...).  igor (igor_inotify_add_tree) beside
# `inotifywait -r` (inotify-tools) and watchman, one after the other:
#
#   tree_setup     time to watch a tree of TREE_SMALL and TREE_BIG
#                  directories, and kernel + user memory per watch
#   tree_race      `mkdir -p` of 10 levels and a file, RACE_RUNS times:
#                  creates missed
#   tree_overflow  2 x max_queued_events files written while the watcher
#                  is stopped: files reported after the overflow, and CPU
#
# Kernel memory is what the watcher's memory cgroup (v1,
# memory.kmem.usage_in_bytes) is charged: inotify marks and queued events
# are accounted to the process that makes them.  The TREE_BIG run raises
# fs.inotify.max_user_watches when it must (root only) and tree_cleanup,
# called from run.sh's cleanup, puts it back on every exit path.

TREE_SMALL=10000
TREE_BIG=${BENCH_TREE_BIG:-100000}
if [ "$MODE" = quick ]; then
	RACE_RUNS=200
else
	RACE_RUNS=1000
fi
LOG_SO=$B/plugins/log.so
CG_ROOT=/sys/fs/cgroup/memory
_cgroups=""
WATCHES_OLD=

tree_cleanup() {
	local c
	for c in $_cgroups; do
		rmdir "$c" 2>/dev/null
	done
	if [ -n "$WATCHES_OLD" ]; then
		echo "$WATCHES_OLD" >/proc/sys/fs/inotify/max_user_watches &&
			say "bench: fs.inotify.max_user_watches back to $WATCHES_OLD"
		WATCHES_OLD=
	fi
}

# ---- tools -----------------------------------------------------------------

TOOL_NOTE=
have_inotifywait() {
	command -v inotifywait >/dev/null && return 0
	TOOL_NOTE="inotifywait not installed: apt-get install inotify-tools"
	return 1
}

have_watchman() {
	command -v watchman >/dev/null && return 0
	TOOL_NOTE="watchman not installed: apt-get install watchman"
	return 1
}

now_us() { echo "${EPOCHREALTIME/[.,]/}"; }

rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status" 2>/dev/null; }

# ---- kernel memory: a memory cgroup per watcher run ---------------------------

have_kmem() {
	[ "$(id -u)" = 0 ] && [ -r "$CG_ROOT/memory.kmem.usage_in_bytes" ] &&
		[ -w "$CG_ROOT" ]
}

# cg_new NAME: a fresh cgroup in CG, or CG empty without one.  Not in a
# subshell: tree_cleanup must know it.
cg_new() {
	CG=$CG_ROOT/igor-bench-$$-$1
	have_kmem || { CG=; return 0; }
	rmdir "$CG" 2>/dev/null
	mkdir "$CG" 2>/dev/null || { CG=; return 0; }
	_cgroups="$_cgroups $CG"
}

cg_kmem() { # CGROUP: bytes charged, or 0 without one
	[ -n "$1" ] && cat "$1/memory.kmem.usage_in_bytes" 2>/dev/null || echo 0
}

# cg_run CGROUP CMD...: CMD in CGROUP (or as it is without one), in the
# background, tracked; its pid in BG.
cg_run() {
	local c=$1
	shift
	sh -c '[ -z "$1" ] || echo $$ >"$1/cgroup.procs"; shift; exec "$@"' sh "$c" "$@" &
	BG=$!
	track "$BG"
}

# ---- trees -------------------------------------------------------------------

# make_tree DIR N: N directories below DIR, d0/ to dK/ holding e0/ to e99/.
make_tree() {
	mkdir -p "$1" && python3 - "$1" "$2" <<'PY'
import os, sys
top, left, i = sys.argv[1], int(sys.argv[2]), 0
while left:
    d = os.path.join(top, "d%d" % i)
    os.mkdir(d)
    left -= 1
    for j in range(min(100, left)):
        os.mkdir(os.path.join(d, "e%d" % j))
    left -= min(100, left)
    i += 1
PY
}

# watches_room N: max_user_watches leaves room for N more, raised if not
# (root only; put back by tree_cleanup).  Fails with TOOL_NOTE set.
watches_room() {
	local max used need
	max=$(cat /proc/sys/fs/inotify/max_user_watches)
	used=$(cat /proc/[0-9]*/fdinfo/* 2>/dev/null | grep -c '^inotify wd:')
	need=$((used + $1 + 1000))
	[ "$max" -ge "$need" ] && return 0
	if [ "$(id -u)" != 0 ]; then
		TOOL_NOTE="fs.inotify.max_user_watches $max < $need; run as root to raise it"
		return 1
	fi
	WATCHES_OLD=$max
	echo "$need" >/proc/sys/fs/inotify/max_user_watches
	say "bench: fs.inotify.max_user_watches raised from $max to $need for the run"
}

# One watcher on DIR, in cgroup CG; prints "ms rss_kb kmem_bytes" once
# it watches all.
watch_igor() {
	local dir=$1 d=$T/tw-igor cg=$CG pid
	conf_dir "$d"
	cat >"$d/bench.conf" <<EOF
name: bench
plugin: "$PLUG"
paths: ["$dir"]
recursive: true
mask: 0x100
ready_file: "$d/ready"
setup_out: "$d/setup"
EOF
	IGOR_CONFIG_DIR=$d cg_run "$cg" "$IGOR" -vv -s "$d/igor.sock"
	wait_for "[ -s '$d/ready' ]" 300 || { stop_pid "$BG"; return 1; }
	pid=$(cat "$d/ready")
	echo "$(awk '{ printf "%.0f", $2 / 1e6 }' "$d/setup") $(rss_kb "$pid") $(cg_kmem "$cg")"
	stop_pid "$BG"
}

watch_inotifywait() {
	local dir=$1 d=$T/tw-iw cg=$CG t0
	rm -rf "$d" && mkdir -p "$d"
	t0=$(now_us)
	cg_run "$cg" inotifywait -r -m -e create "$dir" 2>"$d/err" >/dev/null
	while ! grep -q "Watches established" "$d/err" 2>/dev/null; do
		is_alive "$BG" || return 1
		sleep 0.002
	done
	echo "$((($(now_us) - t0) / 1000)) $(rss_kb "$BG") $(cg_kmem "$cg")"
	stop_pid "$BG"
}

# A private watchman server (pid in WM_PID, socket WM_SOCK).
watchman_start() { # DIR CGROUP
	WM_SOCK=$1/sock
	cg_run "$2" watchman --foreground --sockname="$WM_SOCK" --statefile="$1/state" \
		--logfile="$1/log" --pidfile="$1/pid" --no-save-state
	WM_PID=$BG
	wait_for "watchman --sockname='$WM_SOCK' version >/dev/null 2>&1" 10
}

watch_watchman() {
	local dir=$1 d=$T/tw-wm cg=$CG t0 t1
	rm -rf "$d" && mkdir -p "$d"
	watchman_start "$d" "$cg" || { stop_pid "$WM_PID"; return 1; }
	t0=$(now_us)
	watchman --sockname="$WM_SOCK" watch "$dir" >/dev/null &&
		watchman --sockname="$WM_SOCK" -- find "$dir" -name no-such-file >/dev/null ||
		{ stop_pid "$WM_PID"; return 1; }
	t1=$(now_us)
	echo "$(((t1 - t0) / 1000)) $(rss_kb "$WM_PID") $(cg_kmem "$cg")"
	stop_pid "$WM_PID"
}

# setup_row N: one row of setup times, and the memory rows for N.
setup_row() {
	local n=$1 dir=$T/tree-$1 empty=$T/tree-empty k r e
	declare -A ms mem
	make_tree "$dir" "$n" || return 1
	mkdir -p "$empty"
	for k in igor inotifywait watchman; do
		case $k in
		inotifywait) have_inotifywait || { ms[$k]="skipped ($TOOL_NOTE)"; continue; } ;;
		watchman) have_watchman || { ms[$k]="skipped ($TOOL_NOTE)"; continue; } ;;
		esac
		cg_new "$k-empty-$n"
		e=$("watch_$k" "$empty") || { ms[$k]=failed; continue; }
		cg_new "$k-$n"
		r=$("watch_$k" "$dir") || { ms[$k]=failed; continue; }
		set -- $e $r
		ms[$k]=$4
		# bytes per watch above the same watcher on an empty directory
		if have_kmem; then
			mem[$k]="$(( ($5 - $2) * 1024 / n )) + $(( ($6 - $3) / n ))"
		else
			mem[$k]="$(( ($5 - $2) * 1024 / n )) + ?"
		fi
	done
	tree_cleanup
	rm -rf "$dir"
	row "tree: watch $n directories, ms" "${ms[igor]}" \
		"inotifywait -r: ${ms[inotifywait]}; watchman: ${ms[watchman]}" \
		"$(ratio "${ms[igor]}" "${ms[inotifywait]}")" "<= inotifywait -r" \
		"$(num_verdict "${ms[igor]}" "${ms[inotifywait]}")"
	row "tree: bytes per watch at $n, user + kernel" "${mem[igor]}" \
		"inotifywait -r: ${mem[inotifywait]}; watchman: ${mem[watchman]}" "" \
		"<= inotifywait -r" "$(num_verdict "$(sum "${mem[igor]}")" "$(sum "${mem[inotifywait]}")")"
}

sum() { awk -v e="$1" 'BEGIN { n = split(e, a, "+"); for (i = 1; i <= n; i++) s += a[i]; print s }' </dev/null; }

ratio() { # A B: A/B when both are numbers
	case "$1$2" in *[!0-9.]*|"") return ;; esac
	calc "$1 / ($2 + 0.0001)" | xargs printf '%.2f'
}

num_verdict() { # A B: ok when A <= B, "-" when either is no number
	case "$1" in ''|*[!0-9.-]*) echo -; return ;; esac
	case "$2" in ''|*[!0-9.-]*) echo -; return ;; esac
	verdict "$1 <= $2"
}

figure_tree_setup() {
	say "bench: tree setup: $TREE_SMALL and $TREE_BIG directories, igor, inotifywait -r, watchman"
	have_kmem || say "bench: no memory cgroup v1 with kmem accounting (or not root): kernel bytes not measured"
	setup_row "$TREE_SMALL"
	if watches_room $((TREE_BIG + 10)); then
		setup_row "$TREE_BIG"
	else
		row "tree: watch $TREE_BIG directories, ms" "skipped ($TOOL_NOTE)" "" "" "" "-"
	fi
	tree_cleanup
}

# ---- the mkdir -p race -----------------------------------------------------------

RACE_CHAIN=l1/l2/l3/l4/l5/l6/l7/l8/l9

race_load() { # DIR
	local i
	for i in $(seq 1 "$RACE_RUNS"); do
		mkdir -p "$1/r$i/$RACE_CHAIN" && : >"$1/r$i/$RACE_CHAIN/file"
	done
}

race_expected() { # DIR: every path the load creates, sorted
	local i p l
	for i in $(seq 1 "$RACE_RUNS"); do
		p=$1/r$i
		echo "$p"
		for l in ${RACE_CHAIN//\// }; do p=$p/$l; echo "$p"; done
		echo "$p/file"
	done | sort
}

# settle FILE: waits until FILE stops growing for 1 s (at most 60 s).
settle() {
	local a=-1 b i=0
	while [ $i -lt 60 ]; do
		b=$(wc -c <"$1" 2>/dev/null)
		[ "$a" = "$b" ] && return 0
		a=$b
		sleep 1
		i=$((i + 1))
	done
}

# missed EXPECTED SEEN: "missed dups" of the expected paths in SEEN (a
# path a line, as many times as reported).
missed() {
	awk 'NR == FNR { want[$0] = 1; n++; next }
	     ($0 in want) { if (seen[$0]++) dup++; else got++ }
	     END { printf "%d %d\n", n - got, dup }' "$1" "$2"
}

race_igor() { # W: prints "missed dups"
	local w=$1 d=$T/race-igor
	conf_dir "$d"
	printf 'name: race\nplugin: "%s"\npaths: ["%s"]\nevents: [create]\nrecursive: true\n' \
		"$LOG_SO" "$w" >"$d/race.conf"
	igor_start "$d" -vvv
	wait_for "grep -q 'plugin race: watching' '$d/igor.log'" 10 || { stop_pid "$IGOR_PID"; return 1; }
	race_load "$w"
	settle "$d/igor.log"
	stop_pid "$IGOR_PID"
	sed -n 's/.* INFO plugin race: create\(,isdir\)\{0,1\} //p' "$d/igor.log" >"$d/seen"
	missed "$T/race.want" "$d/seen"
}

race_inotifywait() {
	local w=$1 d=$T/race-iw
	rm -rf "$d" && mkdir -p "$d"
	inotifywait -r -m -e create --format '%w%f' "$w" >"$d/seen" 2>"$d/err" &
	local p=$!
	track "$p"
	wait_for "grep -q 'Watches established' '$d/err'" 10 || { stop_pid "$p"; return 1; }
	race_load "$w"
	settle "$d/seen"
	stop_pid "$p"
	missed "$T/race.want" "$d/seen"
}

# watchman_names OUT ROOT: the paths of every file a subscription's
# output (one JSON PDU a line) reported, one a line.
watchman_names() {
	python3 - "$1" "$2" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    try:
        pdu = json.loads(line)
    except ValueError:
        continue
    for f in pdu.get("files") or []:
        name = f if isinstance(f, str) else f.get("name")
        if name:
            print(sys.argv[2] + "/" + name)
PY
}

# watchman_subscribe W OUT: a client subscribed to W, its PDUs in OUT;
# pid in WM_SUB.
watchman_subscribe() {
	local fifo=$T/wm-sub.fifo
	rm -f "$fifo" && mkfifo "$fifo"
	watchman --sockname="$WM_SOCK" --persistent --no-pretty -j <"$fifo" >"$2" 2>/dev/null &
	WM_SUB=$!
	track "$WM_SUB"
	exec 9>"$fifo"
	printf '["subscribe", "%s", "bench", {"fields": ["name"]}]\n' "$1" >&9
	wait_for "grep -q '\"subscribe\"' '$2'" 10
}

watchman_unsubscribe() {
	exec 9>&-
	stop_pid "$WM_SUB"
}

race_watchman() {
	local w=$1 d=$T/race-wm
	rm -rf "$d" && mkdir -p "$d"
	watchman_start "$d" "" || { stop_pid "$WM_PID"; return 1; }
	watchman --sockname="$WM_SOCK" watch "$w" >/dev/null || { stop_pid "$WM_PID"; return 1; }
	watchman_subscribe "$w" "$d/out" || { watchman_unsubscribe; stop_pid "$WM_PID"; return 1; }
	race_load "$w"
	settle "$d/out"
	watchman_unsubscribe
	stop_pid "$WM_PID"
	# A directory is reported again when what it holds changes: only
	# whether each path was reported counts here.
	watchman_names "$d/out" "$w" | sort -u >"$d/seen"
	set -- $(missed "$T/race.want" "$d/seen")
	echo "$1 -"
}

figure_tree_race() {
	local k w r
	declare -A res
	say "bench: mkdir -p race: $RACE_RUNS x (10 levels and a file), igor, inotifywait -r, watchman"
	for k in igor inotifywait watchman; do
		case $k in
		inotifywait) have_inotifywait || { res[$k]="skipped ($TOOL_NOTE)"; continue; } ;;
		watchman) have_watchman || { res[$k]="skipped ($TOOL_NOTE)"; continue; } ;;
		esac
		w=$T/race-$k.w
		rm -rf "$w" && mkdir -p "$w"
		race_expected "$w" >"$T/race.want"
		r=$("race_$k" "$w") || r="failed"
		rm -rf "$w"
		res[$k]=$r
	done
	set -- ${res[igor]}
	local im=$1 idup=${2:-}
	row "mkdir -p race: creates missed of $((RACE_RUNS * 11)) ($RACE_RUNS runs); reported twice" \
		"$im; $idup" "inotifywait -r: ${res[inotifywait]%% *}; watchman: ${res[watchman]%% *}" "" \
		"0 missed, 0 twice" "$(case "$im$idup" in *[!0-9]*|'') echo - ;;
			*) verdict "$im == 0 && $idup == 0" ;; esac)"
}

# ---- the overflow workload, with IGOR_RECRAWL --------------------------------------

recrawl_igor() { # N: prints "files cpu_ns"
	local n=$1 d=$T/ovf-igor c0 c1
	fresh_dir
	conf_dir "$d"
	cat >"$d/bench.conf" <<EOF
name: bench
plugin: "$PLUG"
paths: ["$W"]
recursive: true
recrawl: true
mask: 0x108
out: "$d/out"
max: $n
ready_file: "$d/ready"
EOF
	igor_start "$d" -vv
	wait_for "[ -s '$d/ready' ]" 10 || { stop_pid "$IGOR_PID"; return 1; }
	WATCHER_PID=$(cat "$d/ready")
	kill -STOP "$WATCHER_PID"
	"$GEN" -d "$W" -n "$n" >/dev/null
	c0=$(($(cpu_ns "$WATCHER_PID") + $(cpu_ns "$IGOR_PID")))
	kill -CONT "$WATCHER_PID"
	ask bench.sync "$d/out.sync" || { stop_pid "$IGOR_PID"; return 1; }
	wait_quiet "$WATCHER_PID"
	c1=$(($(cpu_ns "$WATCHER_PID") + $(cpu_ns "$IGOR_PID")))
	stop_pid "$IGOR_PID"
	echo "$(field files "$d/out.sync") $((c1 - c0))"
}

recrawl_watchman() { # N: prints "files cpu_ns"
	local n=$1 d=$T/ovf-wm c0 c1
	fresh_dir
	rm -rf "$d" && mkdir -p "$d"
	watchman_start "$d" "" || { stop_pid "$WM_PID"; return 1; }
	watchman --sockname="$WM_SOCK" watch "$W" >/dev/null &&
		watchman_subscribe "$W" "$d/out" || { watchman_unsubscribe; stop_pid "$WM_PID"; return 1; }
	kill -STOP "$WM_PID"
	"$GEN" -d "$W" -n "$n" >/dev/null
	c0=$(cpu_ns "$WM_PID")
	kill -CONT "$WM_PID"
	settle "$d/out"
	wait_quiet "$WM_PID"
	c1=$(cpu_ns "$WM_PID")
	watchman_unsubscribe
	stop_pid "$WM_PID"
	echo "$(watchman_names "$d/out" "$W" | grep -c '/f[0-9]\{7\}$') $((c1 - c0))"
}

figure_tree_overflow() {
	local n ig wm
	n=$((2 * $(cat /proc/sys/fs/inotify/max_queued_events)))
	say "bench: overflow: $n files while the watcher is stopped, igor with IGOR_RECRAWL, watchman"
	ig=$(recrawl_igor "$n") || ig=failed
	if have_watchman; then
		wm=$(recrawl_watchman "$n") || wm=failed
	else
		wm="skipped ($TOOL_NOTE)"
	fi
	rm -rf "$W"
	case "$ig $wm" in
	*failed*|*skipped*)
		row "overflow with IGOR_RECRAWL: files reported of $n" "$ig" "watchman: $wm" "" "" "-"
		return
		;;
	esac
	set -- $ig $wm
	row "overflow with IGOR_RECRAWL ($n files, watcher stopped): lost; CPU ms" \
		"$((n - $1)); $(calc "$2 / 1e6" | xargs printf '%.0f')" \
		"watchman: $((n - $3)); $(calc "$4 / 1e6" | xargs printf '%.0f')" \
		"$(calc "$2 / ($4 + 1)" | xargs printf '%.2f') (CPU)" "lost 0; CPU < watchman's" \
		"$(verdict "$1 == $n && $2 < $4")"
}
