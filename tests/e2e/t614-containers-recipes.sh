#!/bin/bash
# Every containers.so recipe of the docs runs: each one of igor-plugins(7),
# plugins/README.md and example_fs/containers.conf's comment is taken from
# the file as written and run, podman's against a real podman (private to
# this test, see lib-podman.sh), docker compose's, machinectl's and
# systemctl's against fakes that accept only the command lines the recipe
# should produce (tests/e2e/fakes/).
. "$(dirname "$0")/lib.sh"
. "$IGOR_TOP/tests/e2e/lib-podman.sh"

C=$T/conf
R=$T/recipes
FAKES=$IGOR_TOP/tests/e2e/fakes

# split PREFIX: stdin's recipes into $R/PREFIX-N.conf.
split() {
	mkdir -p "$R" &&
	awk -v p="$R/$1" '/^---$/ { n++; next } { print > (p "-" n + 1 ".conf") }'
}

# The engine of a recipe: the program of its start command.
engine_of() {
	sed -n 's/^start: \[\([a-z]*\),.*/\1/p' "$1"
}

key_of() { # KEY FILE: a scalar key of the recipe
	sed -n "s/^$1: *\([^ #]*\).*/\1/p" "$2"
}

test_expect_setup 'the docs hold nine containers.so recipes' '
	md_recipes "$IGOR_TOP/plugins/README.md" | split readme &&
	man_recipes "$IGOR_TOP/man/igor-plugins.7" | split man &&
	comment_recipe "$IGOR_TOP/example_fs/containers.conf" | split example &&
	ls "$R" && test "$(ls "$R" | wc -l)" = 9 &&
	for f in "$R"/*.conf; do engine_of "$f"; done | sort | uniq -c >engines &&
	cat engines &&
	! grep -v -w -E "podman|docker|machinectl|systemctl" engines
'

# run_fake RECIPE EXT STRAYS: the recipe against the fakes; the link is
# web.EXT.  With STRAYS (a recipe with running), a stray is stopped at
# igor's start.
run_fake() {
	local f=$1 ext=$2 name en target calls
	rm -rf "$C" && mkdir -p "$C" "$T/state" && rm -f "$T/state"/* &&
	cp "$f" "$C/recipe.conf" &&
	name=$(key_of name "$f") && en=$C/$(key_of enabled "$f") &&
	mkdir -p "$en" "$C/available" && echo "definition" >"$C/available/web.$ext" &&
	target=$(cd "$C/available" && pwd -P)/web.$ext &&
	calls=$T/state/calls &&
	if [ -n "$3" ]; then echo stray >"$T/state/running"; fi &&
	FAKE_STATE=$T/state PATH=$FAKES:$PATH igor_start && wait_ready "$name" &&
	if [ -n "$3" ]; then
		wait_for "! grep -qx stray \"$T/state/running\"" 10 || return 1
	fi &&
	ln -s ../available/web.$ext "$en/web.$ext" &&
	wait_for "grep -qx web \"$T/state/running\"" 10 &&
	rm "$en/web.$ext" &&
	wait_for "! grep -qx web \"$T/state/running\"" 10 &&
	igor_stop &&
	cat "$calls" &&
	! grep -q REFUSED "$calls" &&
	case $(engine_of "$f") in
	docker)
		grep -qxF "docker compose -p stray down" "$calls" &&
		grep -qxF "docker compose -p web -f $target up -d" "$calls" &&
		grep -qxF "docker compose -p web down" "$calls" ;;
	machinectl)
		grep -qxF "machinectl start web" "$calls" &&
		grep -qxF "machinectl poweroff web" "$calls" ;;
	systemctl)
		grep -qxF "systemctl start web" "$calls" &&
		grep -qxF "systemctl stop web" "$calls" ;;
	esac
}

# run_podman RECIPE: the recipe against the real podman: a stray stopped
# at igor's start, a link's pod running, then gone with its link.
run_podman() {
	local f=$1 name en
	rm -rf "$C" && mkdir -p "$C/containers-available" &&
	cp "$f" "$C/recipe.conf" &&
	name=$(key_of name "$f") && en=$C/$(key_of enabled "$f") && mkdir -p "$en" &&
	pod_yaml web >"$C/containers-available/$PP-web.yaml" &&
	pod_yaml stray >"$T/stray.yaml" &&
	podman kube play "$T/stray.yaml" >/dev/null && pod_running stray &&
	igor_start && wait_ready "$name" &&
	wait_for "pod_gone stray" 30 &&
	ln -s "../containers-available/$PP-web.yaml" "$en/$PP-web.yaml" &&
	wait_for "pod_running web" 30 &&
	id=$(pod_id web) &&
	igor_stop && igor_start && wait_ready "$name" &&
	wait_for "log_has \"DEBUG plugin $name: listed 1 running\"" 30 &&
	test "$(pod_id web)" = "$id" &&
	rm "$en/$PP-web.yaml" &&
	wait_for "pod_gone web" 30 &&
	igor_stop
}

podman_ok=
if podman_setup; then
	podman_ok=1
fi

for f in "$R"/*.conf; do
	what="${f##*/}: $(engine_of "$f") $(key_of running "$f" | head -c 1 | sed 's/./with running/')"
	case $(engine_of "$f") in
	podman)
		if [ -z "$podman_ok" ]; then
			test_skip "$what against podman" "$PODMAN_SKIP"
			continue
		fi
		test_expect_success "$what: a stray, a link, an igor restart and an unlink against podman" '
			test_when_finished igor_stop &&
			run_podman "$f"
		' ;;
	docker)
		test_expect_success "$what: exact command lines, a stray stopped" '
			test_when_finished igor_stop &&
			run_fake "$f" yaml stray
		' ;;
	machinectl)
		test_expect_success "$what: exact command lines" '
			test_when_finished igor_stop &&
			run_fake "$f" nspawn ""
		' ;;
	systemctl)
		test_expect_success "$what: exact command lines" '
			test_when_finished igor_stop &&
			run_fake "$f" service ""
		' ;;
	esac
done

test_done
