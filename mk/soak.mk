# soak.mk: `make soak` (issue 12): igor for SOAK_SECONDS (default 120)
# under random crashes, hangs, SIGHUPs, restarts, config edits, floods and
# spawns, then checks for lost lines and leaks (tests/soak/soak.sh).  Not
# part of `make check`; .ci/run runs it.  Ends "N passed, M failed".
#
#   make soak                  120 s, in whichever way igor ends what a
#                              dead worker leaves (a cgroup per worker
#                              where it may, else child subreapers)
#   make soak SOAK_SECONDS=30 SOAK_NO_CGROUP=1

SOAK_SECONDS ?= 120

.PHONY: soak

soak: deps
	$(Q)$(MAKE) --no-print-directory all test-plugins
	$(Q)SOAK_SECONDS=$(SOAK_SECONDS) SOAK_NO_CGROUP=$(SOAK_NO_CGROUP) \
		IGOR_TEST_VERBOSE=1 B=$(B) bash tests/run.sh $(CURDIR)/tests/soak/soak.sh
