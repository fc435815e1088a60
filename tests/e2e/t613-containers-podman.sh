#!/bin/bash
# containers.so against a real podman (rootful, private to this test: see
# lib-podman.sh), with the recipe of igor-plugins(7) as written there (kube
# play --replace, running lists the running pods labelled igor=managed,
# stop by name), a short settle, resync and retry added.
# Skipped, with podman's reason, where podman cannot run a container.
. "$(dirname "$0")/lib.sh"
. "$IGOR_TOP/tests/e2e/lib-podman.sh"

C=$T/conf
EN=$C/containers-enabled
AV=$C/containers-available

if ! podman_setup; then
	test_skip "containers.so against a real podman" "$PODMAN_SKIP"
	test_done
fi

# define NAME [COMMAND]: containers-available/$PP-NAME.yaml.
define() {
	pod_yaml "$@" >"$AV/$PP-$1.yaml"
}

# enable NAME...: links each definition into containers-enabled/.
enable() {
	local n
	for n; do
		ln -s "../containers-available/$PP-$n.yaml" "$EN/$PP-$n.yaml" || return 1
	done
}

define_all() {
	local n
	for n; do
		define "$n" || return 1
	done
}

# short ID: podman's 12-character form.
short() { echo "$1" | cut -c1-12; }

# ms since the epoch, for the measured lines.
ms() { date +%s%3N; }

test_expect_setup 'podman runs a container here; igor with the podman recipe of igor-plugins(7), resync 1 s' '
	mkdir -p "$EN" "$AV" &&
	define_all web db a b c d e &&
	pod_yaml bad | sed "s|image: .*|image: localhost/igor-test-missing|" >"$AV/$PP-bad.yaml" &&
	man_recipes "$IGOR_TOP/man/igor-plugins.7" |
		awk "/^---\$/ { exit } { print }" | grep -v "^timeout:" >recipe &&
	grep -q "^start: \[podman," recipe && cat recipe &&
	{
		cat recipe &&
		printf "timeout: 120\nsettle: 0.1\nresync: 1\n" &&
		printf "retry: {delay: 0.5, max_delay: 1}\n"
	} | write_conf containers.conf &&
	igor_start && wait_ready containers &&
	wait_for "log_has \"DEBUG plugin containers: listed 0 running\"" 30
'

test_expect_success 'a link starts its pod' '
	t0=$(ms) && enable web &&
	wait_for "pod_running web" 30 &&
	echo "measured: link -> pod running: $(( $(ms) - t0 )) ms" &&
	wait_for "log_has \"INFO plugin containers: started $PP-web: exit 0\"" 10 &&
	log_has "INFO plugin containers: start $PP-web: podman kube play --replace $AV/$PP-web.yaml\$" &&
	log_has "DEBUG plugin containers: start $PP-web: Pod:" &&
	! log_has "INFO plugin containers: Pod:"
'

test_expect_success 'removing the link removes its pod' '
	rm "$EN/$PP-web.yaml" &&
	wait_for "pod_gone web" 30 &&
	wait_for "log_has \"INFO plugin containers: stopped $PP-web: exit 0\"" 10 &&
	log_has "INFO plugin containers: stop $PP-web: podman pod rm --force --ignore $PP-web\$"
'

test_expect_success 'ln -sf to another definition: the pod is stopped, then started from it' '
	mkdir -p "$C/v2" &&
	pod_yaml web | sed "s/    igor: managed/    igor: managed\n    version: \"2\"/" >"$C/v2/$PP-web.yaml" &&
	enable web && wait_for "pod_running web" 30 &&
	before=$(pod_id web) && from=$(wc -l <"$LOG") &&
	ln -sfn "../v2/$PP-web.yaml" "$EN/$PP-web.yaml" &&
	wait_for "test -n \"\$(podman pod ps --filter label=version=2 --filter status=running -q)\"" 30 &&
	after=$(pod_id web) && test "$after" != "$before" &&
	sed -n "$((from + 1)),\$p" "$LOG" | grep -o "INFO plugin containers: st[a-z]* $PP-web:" >order &&
	printf "INFO plugin containers: stop $PP-web:\nINFO plugin containers: stopped $PP-web:\nINFO plugin containers: start $PP-web:\nINFO plugin containers: started $PP-web:\n" >expect &&
	test_cmp expect order
'

test_expect_success 'an igor restart leaves running pods alone: same pod ids' '
	enable db && wait_for "pod_running db" 30 &&
	web=$(pod_id web) && db=$(pod_id db) &&
	igor_stop &&
	pod_running web && pod_running db &&
	igor_start && wait_ready containers &&
	wait_for "log_has \"DEBUG plugin containers: listed 2 running\"" 30 &&
	wait_for "test \$(log_count \"DEBUG plugin containers: listed \") -ge 2" 30 &&
	echo "measured: pod ids before an igor restart: web $(short "$web") db $(short "$db")" &&
	echo "measured: pod ids after an igor restart: web $(short "$(pod_id web)") db $(short "$(pod_id db)")" &&
	test "$(pod_id web)" = "$web" && test "$(pod_id db)" = "$db" &&
	! log_has "INFO plugin containers: start "
'

test_expect_success 'a pod removed by hand is back within one resync' '
	before=$(pod_id db) &&
	podman pod rm -f "$PP-db" >/dev/null && t0=$(ms) &&
	wait_for "pod_running db" 30 &&
	echo "measured: podman pod rm -f $PP-db by hand -> running again: $(( $(ms) - t0 )) ms (resync 1 s); pod id $(short "$before") -> $(short "$(pod_id db)")" &&
	log_has "INFO plugin containers: resync: .$PP-db. of .$PP-db.yaml. no longer runs: starting it again"
'

test_expect_success 'a pod that exited is started again' '
	before=$(pod_id web) &&
	podman pod stop "$PP-web" >/dev/null &&
	wait_for "pod_running web && test \"\$(pod_id web)\" != $before" 30 &&
	log_has "INFO plugin containers: resync: .$PP-web. of .$PP-web.yaml. no longer runs: starting it again"
'

test_expect_success 'a pod labelled igor=managed with no link is removed at the next resync' '
	define stray &&
	podman kube play "$AV/$PP-stray.yaml" >/dev/null &&
	wait_for "log_has \"INFO plugin containers: .$PP-stray. runs but is not enabled: stopping it\"" 30 &&
	wait_for "pod_gone stray" 30
'

test_expect_success 'five links at once: five pods running' '
	t0=$(ms) &&
	enable a b c d e &&
	wait_for "pod_running a && pod_running b && pod_running c && pod_running d && pod_running e" 60 &&
	echo "measured: 5 links at once -> 5 pods running: $(( $(ms) - t0 )) ms"
'

test_expect_success 'a start that fails (image missing) is retried, then succeeds' '
	enable bad &&
	wait_for "log_has \"ERROR plugin containers: cannot start .$PP-bad.: .podman. exited 125 after [0-9.]* s; retrying in 0.5 s\"" 30 &&
	log_has "WARNING plugin containers: start $PP-bad: .*igor-test-missing" &&
	wait_for "test \$(log_count \"cannot start .$PP-bad.\") -ge 2" 30 &&
	podman tag "$PODMAN_IMAGE" localhost/igor-test-missing &&
	wait_for "pod_running bad" 30 &&
	wait_for "log_has \"INFO plugin containers: started $PP-bad: exit 0\"" 10
'

test_expect_success 'unlinking everything removes every pod; igor stops cleanly' '
	rm "$EN"/* &&
	wait_for "test -z \"\$(podman pod ps -q)\"" 60 &&
	igor_stop
'

test_done
