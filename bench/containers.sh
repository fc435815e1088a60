# bench/containers.sh: the containers figure, sourced by run.sh (it uses
# run.sh's helpers: row, verdict, median, maxof, wait_for, track, ...).
#
# Links are made one at a time, each once the one before has been acted
# on, by `stamp link` (CLOCK_REALTIME just before symlink(2)):
#
#   spawned   containers.so with the default settle (0.2 s) and a start
#             command that is `stamp mark`: when igor's command began.
#             igor's share = spawned - link - settle.
#   podman    the podman recipe of igor-plugins(7) against a real podman,
#             private to the bench (tests/e2e/lib-podman.sh): link ->
#             the pod's container running its first command (busybox
#             adjtimex, which reads the same clock), and igor's share
#             from its "start NAME:" log line (1 ms resolution: the line's
#             ms is taken at its middle, +0.5).

STAMP=$BB/stamp
CTR_SO=$B/plugins/containers.so
CTR_SETTLE_MS=200

# ctr_conf DIR START-ARGV STOP-ARGV [EXTRA-YAML]: a config dir for
# containers.so.
ctr_conf() {
	conf_dir "$1"
	mkdir -p "$1/enabled" "$1/available"
	cat >"$1/containers.conf" <<EOF
name: containers
plugin: "$CTR_SO"
enabled: enabled
start: $2
stop: $3
${4:-}
EOF
}

# ms from each name's link to its mark: "NAME MS", one a line.
ctr_join() { # LINKS MARKS
	awk 'NR == FNR { t[$1] = $2; next } ($1 in t) { printf "%s %.3f\n", $1, ($2 - t[$1]) / 1e6 }' "$1" "$2"
}

# The row of a set of ms values, and of igor's share of them.
ctr_rows() { # FIGURE FILE-OF-MS SHARES-FILE REFERENCE
	local n med max smed smax
	n=$(wc -l <"$2")
	med=$(median <"$2")
	max=$(maxof <"$2")
	smed=$(median <"$3")
	smax=$(maxof <"$3")
	row "$1, ms: median / max (n=$n)" "$med / $max" "$4" "" "(diagnostic)" "-"
	row "  igor's share (started - link - settle), ms: median / max" "$smed / $smax" \
		"" "" "median <= 20 ms" "$(verdict "$smed <= 20")"
}

ctr_spawned() {
	local d=$T/ctr-spawn i t
	ctr_conf "$d" "[\"$STAMP\", mark, \"$d/marks\", \"{name}\"]" "[true]"
	igor_start "$d" -vvv
	if ! wait_for "grep -q \"watching 'enabled'\" '$d/igor.log'" 10; then
		stop_pid "$IGOR_PID"
		row "containers: link -> command spawned" "failed (no start)" "" "" "" MISSED
		return
	fi
	: >"$d/links"
	for i in $(seq 1 "$CTR_N"); do
		echo "c$i" >"$d/available/c$i.yaml"
		t=$("$STAMP" link "../available/c$i.yaml" "$d/enabled/c$i.yaml") || break
		echo "c$i $t" >>"$d/links"
		wait_for "grep -qs '^c$i ' '$d/marks'" 10 || break
	done
	stop_pid "$IGOR_PID"
	ctr_join "$d/links" "$d/marks" | awk '{ print $2 }' >"$d/ms"
	awk -v s="$CTR_SETTLE_MS" '{ printf "%.3f\n", $1 - s }' "$d/ms" >"$d/share"
	if [ ! -s "$d/ms" ]; then
		row "containers: link -> command spawned" "failed (no command ran)" "" "" "" MISSED
		return
	fi
	ctr_rows "containers: link -> engine command spawned" "$d/ms" "$d/share" \
		"settle $CTR_SETTLE_MS ms"
}

# "NAME NS" of each container's first command, from adjtimex's output.
ctr_pod_marks() { # STAMPS-DIR
	local f
	for f in "$1"/*; do
		[ -e "$f" ] || continue
		awk -v n="${f##*/}" '/tv_sec:/ { s = $2 } /tv_usec:/ { u = $2 }
			END { if (s) printf "%s %d%06d000\n", n, s, u }' "$f"
	done
}

BENCH_ATEXIT=
track_pid() { track "$1"; }
test_atexit() { BENCH_ATEXIT="$1; $BENCH_ATEXIT"; }

ctr_podman() {
	local d=$T/ctr-podman i name t
	# shellcheck source=../tests/e2e/lib-podman.sh
	. "$TOP/tests/e2e/lib-podman.sh"
	if ! podman_setup; then
		row "containers: link -> pod running (podman)" "skipped ($PODMAN_SKIP)" "" "" "" "-"
		return
	fi
	ctr_conf "$d" '[podman, kube, play, --replace, "{target}"]' \
		'[podman, pod, rm, --force, --ignore, "{name}"]' \
		'running: [podman, pod, ps, --filter, status=running, --filter, label=igor=managed, --format, "{{.Name}}"]
timeout: 120'
	mkdir -p "$d/stamps"
	igor_start "$d" -vvv
	if ! wait_for "grep -q \"watching 'enabled'\" '$d/igor.log'" 10; then
		stop_pid "$IGOR_PID"
		row "containers: link -> pod running (podman)" "failed (no start)" "" "" "" MISSED
		return
	fi
	: >"$d/links"
	for i in $(seq 1 "$CTR_PODS"); do
		name=$PP-p$i
		pod_yaml "p$i" "adjtimex >/stamps/$name; trap 'exit 0' TERM; sleep 100000 & wait" \
			"$d/stamps" >"$d/available/$name.yaml"
		t=$("$STAMP" link "../available/$name.yaml" "$d/enabled/$name.yaml") || break
		echo "$name $t" >>"$d/links"
		wait_for "[ -s '$d/stamps/$name' ]" 60 || break
	done
	rm -f "$d/enabled"/*
	wait_for "[ -z \"\$(podman pod ps -q)\" ]" 60
	stop_pid "$IGOR_PID"
	ctr_pod_marks "$d/stamps" >"$d/marks"
	ctr_join "$d/links" "$d/marks" | awk '{ print $2 }' >"$d/ms"
	# igor's share: its "start NAME:" line, in ms since midnight.
	awk '{ printf "%s %.3f\n", $1, $2 / 1e6 }' "$d/links" |
		realtime_pairs_to_day_ms >"$d/links.day"
	grep "INFO plugin containers: start $PP-p" "$d/igor.log" |
		awk '{ split($1, a, "T"); split(a[2], b, ":"); n = $6; sub(/:$/, "", n)
			printf "%s %.1f\n", n, (b[1] * 3600 + b[2] * 60 + b[3]) * 1000 + 0.5 }' >"$d/started.day"
	awk -v s="$CTR_SETTLE_MS" 'NR == FNR { t[$1] = $2; next } ($1 in t) {
		x = $2 - t[$1]; if (x < -43200000) x += 86400000; printf "%.1f\n", x - s }' \
		"$d/links.day" "$d/started.day" >"$d/share"
	eval "$BENCH_ATEXIT"
	BENCH_ATEXIT=
	if [ ! -s "$d/ms" ]; then
		row "containers: link -> pod running (podman)" "failed (no pod ran)" "" "" "" MISSED
		return
	fi
	ctr_rows "containers: link -> pod running (podman 4.3, kube play)" "$d/ms" "$d/share" \
		"settle $CTR_SETTLE_MS ms"
}

# "NAME MS-SINCE-EPOCH" -> "NAME MS-SINCE-LOCAL-MIDNIGHT".
realtime_pairs_to_day_ms() {
	awk -v off="$TZ_OFF_MS" '{ printf "%s %.3f\n", $1, ($2 + off) % 86400000 }'
}

figure_containers() {
	say "bench: containers: $CTR_N links, then $CTR_PODS pods"
	ctr_spawned
	ctr_podman
}
