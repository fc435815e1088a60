# lib-podman.sh: a real, rootful podman that is private to one test.
#
#   . "$(dirname "$0")/lib.sh"
#   . "$IGOR_TOP/tests/e2e/lib-podman.sh"
#   podman_setup || { test_skip 'podman scenarios' "$PODMAN_SKIP"; test_done; }
#
# Nothing on the machine is changed: podman's containers.conf and
# storage.conf (CONTAINERS_CONF, CONTAINERS_STORAGE_CONF, exported, so
# igor and its commands use them too) put its storage, run root, temporary
# files, locks, network configs and events under $T/podman.  The image is
# built here, without a registry: a rootfs holding busybox and its links,
# imported as localhost/igor-test-bb.  Pods use the host's network (no
# bridge, no firewall rule) and a command that ends at SIGTERM, so a stop
# takes milliseconds.  Every pod is named "$PP-NAME", with a prefix unique
# to this test, and every pod and container is removed when the test
# exits, however it exits.  Other tests may run podman at the same time:
# nothing here is shared with them; the podman tests of one build take
# turns (a lock in $B).
#
# What this machine needed, found by trying (issue 14): crun 1.8 refuses
# hybrid cgroups (runc works), and setting rlimits fails without
# CAP_SYS_RESOURCE (default_ulimits below work).  Left outside $T, by
# podman itself: the OCI runtime's state in /run/runc/ID while a container
# exists, the directory /run/containers/networks, and root's blob-info
# cache in /var/lib/containers/cache.

PM=$T/podman
PP=igt$$
PODMAN_IMAGE=localhost/igor-test-bb
PODMAN_SKIP=

podman_conf() {
	mkdir -p "$PM/tmp" "$PM/net" &&
	cat >"$PM/containers.conf" <<-EOF &&
	[containers]
	default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
	[engine]
	runtime = "runc"
	cgroup_manager = "cgroupfs"
	events_logger = "file"
	events_logfile_path = "$PM/events.log"
	tmp_dir = "$PM/tmp"
	image_copy_tmp_dir = "$PM/tmp"
	lock_type = "file"
	[network]
	network_config_dir = "$PM/net"
	EOF
	cat >"$PM/storage.conf" <<-EOF
	[storage]
	driver = "vfs"
	graphroot = "$PM/root"
	runroot = "$PM/run"
	EOF
}

# The busybox image, from /bin/busybox and its applet links.
podman_image() {
	local r=$PM/rootfs a bb
	bb=$(command -v busybox) || { echo "no busybox (apt-get install busybox-static)"; return 1; }
	mkdir -p "$r/bin" "$r/tmp" &&
	cp "$bb" "$r/bin/busybox" &&
	for a in $("$r/bin/busybox" --list); do
		[ "$a" = busybox ] || ln -s busybox "$r/bin/$a"
	done &&
	tar -C "$r" -c . | podman import - "$PODMAN_IMAGE" >/dev/null
}

# One podman test at a time per build: they are heavy, and run.sh runs
# scripts side by side.  The lock is held by a process of its own (killed
# at exit with the others), so that no container monitor this test starts
# can inherit it.
podman_lock() {
	local held=$T/.podman-locked
	(
		exec 9>>"$B/.podman-tests.lock" </dev/null >/dev/null 2>&1 &&
		flock -w 600 9 && : >"$held" && exec sleep 100000
	) &
	track_pid $!
	wait_for "test -e '$held' || ! kill -0 $! 2>/dev/null" 600 && test -e "$held"
}

# One line: the last line podman said, for a skip's reason.
one_line() { grep . | tail -n 1 | tr -s ' \t' '  '; }

# podman_setup: the private podman and its image, and a first container
# to prove that one runs here; on failure PODMAN_SKIP says why, on one
# line, and it returns 1.
podman_setup() {
	local out
	if [ "$(id -u)" != 0 ]; then
		PODMAN_SKIP="rootful podman needs root"
		return 1
	fi
	if ! command -v podman >/dev/null; then
		PODMAN_SKIP="podman is not installed (apt-get install podman runc catatonit busybox-static)"
		return 1
	fi
	podman_lock || { PODMAN_SKIP="cannot take $B/.podman-tests.lock"; return 1; }
	podman_conf || { PODMAN_SKIP="cannot write podman's config in $PM"; return 1; }
	export CONTAINERS_CONF=$PM/containers.conf
	export CONTAINERS_STORAGE_CONF=$PM/storage.conf
	test_atexit podman_cleanup
	out=$(podman_image 2>&1) || { PODMAN_SKIP="podman import: $(echo "$out" | one_line)"; return 1; }
	out=$(podman run --rm --network host --name "$PP-probe" "$PODMAN_IMAGE" true 2>&1) ||
		{ PODMAN_SKIP="podman run: $(echo "$out" | one_line)"; return 1; }
	return 0
}

# Removes every pod and container of this test, then what podman left
# mounted under $PM, so that $T can go, then the empty cgroups podman's
# cgroupfs manager leaves behind on a hybrid machine (runc removes the v1
# ones but not libpod_parent/ID in the systemd and unified hierarchies).
# Only this test's own IDs, read from its own events log, are touched,
# and rmdir removes only an empty cgroup.
podman_cleanup() {
	local p m id d
	for p in $(podman pod ps -q 2>/dev/null); do
		podman pod rm -f "$p" >/dev/null 2>&1
	done
	podman rm -af >/dev/null 2>&1
	for m in $(awk -v pm="$PM" 'index($5, pm "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r); do
		umount -l "$m" 2>/dev/null
	done
	[ -r "$PM/events.log" ] || return 0
	for id in $(grep -o '"ID":"[0-9a-f]\{64\}"' "$PM/events.log" | cut -d'"' -f4 | sort -u); do
		for d in /sys/fs/cgroup/libpod_parent /sys/fs/cgroup/*/libpod_parent; do
			[ -d "$d/$id" ] && rmdir "$d/$id" 2>/dev/null
		done
	done
	return 0
}

# pod_yaml NAME [COMMAND [DIR]]: a Kubernetes Pod named $PP-NAME, labelled
# igor=managed, on the host's network, running COMMAND (default: wait for
# SIGTERM), with the host's DIR as /stamps when given, on stdout.  Its
# image is never pulled: a missing one fails at once, without asking a
# registry.
pod_yaml() {
	local cmd=${2:-"trap 'exit 0' TERM; sleep 100000 & wait"}
	cat <<-EOF
	apiVersion: v1
	kind: Pod
	metadata:
	  name: $PP-$1
	  labels:
	    igor: managed
	spec:
	  hostNetwork: true
	  restartPolicy: Never
	  containers:
	    - name: main
	      image: $PODMAN_IMAGE
	      imagePullPolicy: Never
	      command: ["/bin/sh", "-c", "$cmd"]
	EOF
	[ -n "${3:-}" ] || return 0
	cat <<-EOF
	      volumeMounts:
	        - name: stamps
	          mountPath: /stamps
	  volumes:
	    - name: stamps
	      hostPath:
	        path: $3
	        type: Directory
	EOF
}

# pod_id NAME: the id of pod $PP-NAME, empty when there is none.
pod_id() {
	podman pod ps --filter name="^$PP-$1\$" --format '{{.Id}}' 2>/dev/null
}

# pod_status NAME: Running, Exited, Degraded..., empty when there is none.
pod_status() {
	podman pod ps --filter name="^$PP-$1\$" --format '{{.Status}}' 2>/dev/null
}

pod_running() { [ "$(pod_status "$1")" = Running ]; }
pod_gone() { [ -z "$(pod_id "$1")" ]; }
