#!/bin/bash
# Processes started for a plugin end with its worker: a cgroup per worker
# (cgroup.kill), where root may create one below its own cgroup.
MODE=cgroup
. "$(dirname "$0")/descendants.sh"
