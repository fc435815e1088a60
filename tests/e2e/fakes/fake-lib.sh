# fake-lib.sh: what the fake engines of t614 share.  Each keeps its state
# in $FAKE_STATE: "calls" gets every command line, as "PROG ARG..." when it
# was accepted, as "REFUSED PROG ARG..." otherwise; "running" holds the
# names up, one a line.
prog=$(basename "$0")
calls=${FAKE_STATE:?}/calls
running=$FAKE_STATE/running

accept() {
	echo "$prog $*" >>"$calls"
}

refuse() {
	echo "REFUSED $prog $*" >>"$calls"
	echo "fake $prog: not a command line of the recipe: $*" >&2
	exit 2
}

# A {name}: not empty, no slash, no leading dash.
is_name() {
	case $1 in ''|-*|*/*) return 1 ;; esac
}

# An absolute path to a file that exists.
is_file() {
	case $1 in /*) [ -f "$1" ] ;; *) return 1 ;; esac
}

run_add() {
	grep -qxF -- "$1" "$running" 2>/dev/null || echo "$1" >>"$running"
}

run_del() {
	[ -e "$running" ] || return 0
	grep -vxF -- "$1" "$running" >"$running.new"
	mv "$running.new" "$running"
}

run_list() {
	[ -e "$running" ] && cat "$running"
	return 0
}
