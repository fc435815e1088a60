#!/bin/bash
# Processes started for a plugin end with its worker: without cgroups,
# igor and its workers are child subreapers (cgroups kept out of reach).
MODE=subreaper
. "$(dirname "$0")/descendants.sh"
