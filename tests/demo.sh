#!/bin/sh
# demo.sh: `make demo`.  Runs igor on a copy of example_fs/ in a temporary
# directory (example_fs/ itself is never written), links and unlinks a
# container, shows the fake engine's log and `igorctl status`, and stops
# igor.  Takes a few seconds; removes everything it made.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
B=${B:-build}
case $B in /*) ;; *) B=$top/$B ;; esac
dir=$(mktemp -d "${TMPDIR:-/tmp}/igor-demo.XXXXXX") || exit 1
pid=

cleanup() {
	if [ -n "$pid" ]; then
		kill -TERM "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	fi
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() {
	printf '\n==> %s\n' "$*"
}

# wait_for 'condition' SECONDS: polls every 50 ms, bounded.
wait_for() {
	i=0
	while [ $i -lt $(($2 * 20)) ]; do
		eval "$1" && return 0
		sleep 0.05
		i=$((i + 1))
	done
	echo "demo: timed out waiting for: $1" >&2
	return 1
}

engine_has() {
	grep -qx "$1" "$dir/engine.log" 2>/dev/null
}

cp -a "$top/example_fs/." "$dir/"
cd "$dir" || exit 1
say "igor on a copy of example_fs/ in $dir"
ls -l containers-enabled/ | sed 1d
IGOR_CONFIG_DIR=$dir IGOR_PLUGIN_DIR=$B/plugins \
	"$B/igor" -vvv -s "$dir/igor.sock" 2>"$dir/igor.log" &
pid=$!

say "at start, igor starts what containers-enabled/ holds"
wait_for 'engine_has "start web"' 5 || exit 1
cat engine.log

say "ln -s ../containers-available/db.yaml containers-enabled/"
ln -s ../containers-available/db.yaml containers-enabled/
wait_for 'engine_has "start db"' 5 || exit 1
cat engine.log

say "rm containers-enabled/web.yaml"
rm containers-enabled/web.yaml
wait_for 'engine_has "stop web"' 5 || exit 1
cat engine.log

say "echo hello >watched/hello.txt   (exec.conf runs wc -c on it)"
echo hello >watched/hello.txt
wait_for 'grep -q "plugin exec: 6 watched/hello.txt" igor.log' 5

if [ -x "$B/igorctl" ]; then
	say "igorctl status"
	"$B/igorctl" -s "$dir/igor.sock" status
fi

say "stopping igor"
kill -TERM "$pid"
wait "$pid"
echo "igor exited $?"
pid=

say "igor's log"
cat igor.log
