#!/bin/bash
# Recursive watches close the race of `mkdir -p`: what is created in a new
# directory before its watch exists is reported by a synthetic IN_CREATE,
# and what has a real one is not reported twice (SPEC.md, "Recursive
# watches"; issue 15).
. "$(dirname "$0")/lib.sh"

W=$T/w
RUNS=1000
mkdir -p "$W"

# The created paths the plugin reported, one a line, as many times as seen.
created() {
	sed -n "s/.*plugin race: EV wd=[0-9]* mask=0x[0-9a-f]*100\( synthetic\)\{0,1\} cookie=0 name='[^']*' path='\(.*\)'$/\2/p" "$LOG"
}

test_expect_setup 'a tree watched for IN_CREATE only' '
	write_conf race.conf <<-EOF &&
	name: race
	plugin: $TPLUG/t15_tree.so
	root: $W
	mask: 0x100
	EOF
	igor_start && wait_ready race &&
	log_has "plugin race: tree wd=1 in"
'

test_expect_success "mkdir -p of 10 levels then a file, $RUNS times: every level and file seen once" '
	for i in $(seq 1 $RUNS); do
		d=$W/r$i/l1/l2/l3/l4/l5/l6/l7/l8/l9 &&
		mkdir -p "$d" && : >"$d/file" || return 1
	done &&
	want=$((RUNS * 11)) &&
	wait_for "[ \$(created | wc -l) -ge $want ]" 30 &&
	for i in $(seq 1 $RUNS); do
		p=$W/r$i
		echo "$p"
		for l in l1 l2 l3 l4 l5 l6 l7 l8 l9; do p=$p/$l; echo "$p"; done
		echo "$p/file"
	done | sort >expect &&
	created | sort >got &&
	test_cmp expect got &&
	echo "measured: $(grep -c " synthetic " "$LOG") of $want creates were synthetic"
'

test_expect_success 'synthetic events count in EVENTS' '
	wait_for "[ \"\$(json_get race events)\" = $((RUNS * 11)) ]" 10
'

test_expect_success 'the worker holds one watch per directory, no more' '
	test $(inotify_watches "$(worker_pid race)") -eq $((RUNS * 10 + 1))
'

igor_stop
test_done
