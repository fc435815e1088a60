# hardening.mk: fuzzing and valgrind (issue 8).  check-asan is in the
# Makefile itself.
#
#   make fuzz                  builds every tests/fuzz/fuzz_*.c with libFuzzer
#                              and runs each for FUZZ_SECONDS (default 60)
#   make fuzz FUZZERS=fuzz_rec FUZZ_SECONDS=10
#   make fuzz-build            builds them only, into $(B)/fuzz/
#   make check-valgrind        the supervisor under valgrind (tests/valgrind/run.sh)
#
# Each fuzzer writes what it finds to a scratch directory named before the
# seed corpus, so tests/fuzz/corpus_*/ are only read; a crash is saved as
# $(B)/fuzz/NAME-crash-* and must become a row of the unit reject tables.

FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_FLAGS   := -g -O1 -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all

FUZZ_ALL     := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZERS      ?= $(FUZZ_ALL)

# What each decoder needs; a new fuzzer without a line here gets all of
# common/ and both libraries.
FUZZ_SRC_fuzz_cfg := common/cfg.c worker/abi_config.c
FUZZ_LIB_fuzz_cfg := -lyaml
FUZZ_SRC_fuzz_rec := common/rec.c common/util.c
FUZZ_LIB_fuzz_rec := -lcbor
FUZZ_SRC_fuzz_ctl := common/ctl.c common/rec.c common/util.c common/plugname.c
FUZZ_LIB_fuzz_ctl := -lcbor

fuzz_src = $(or $(FUZZ_SRC_$(1)),$(COMMON_SRC))
fuzz_lib = $(or $(FUZZ_LIB_$(1)),$(DEPS_LIBS))

# One rule per fuzzer, so each has its own sources as prerequisites.
define FUZZ_RULE
$(B)/fuzz/$(1): tests/fuzz/$(1).c $(call fuzz_src,$(1)) $(wildcard common/*.h include/igor/*.h)
	@mkdir -p $$(@D)
	@$$(if $(Q),echo "  FUZZ    $$@")
	$(Q)$(FUZZ_CC) $(FUZZ_FLAGS) -Icommon -Iinclude $(DEPS_CFLAGS) -o $$@ \
		tests/fuzz/$(1).c $(call fuzz_src,$(1)) $(call fuzz_lib,$(1))
endef
$(foreach f,$(FUZZ_ALL),$(eval $(call FUZZ_RULE,$(f))))

.PHONY: fuzz-build

fuzz-build: deps-present $(patsubst %,$(B)/fuzz/%,$(FUZZERS))

# Runs every fuzzer even when one fails, then fails if any did; ends with
# run.sh's "N passed, M failed" line, each fuzzer counting as one test.
fuzz: fuzz-build
	$(Q)failed=; passed=0; \
	for f in $(FUZZERS); do \
		seeds=tests/fuzz/corpus_$${f#fuzz_}; \
		work=$$(mktemp -d "$${TMPDIR:-/tmp}/igor-$$f.XXXXXX") || exit 1; \
		echo "  RUN     $$f for $(FUZZ_SECONDS) s on $$seeds"; \
		if ! $(B)/fuzz/$$f -max_total_time=$(FUZZ_SECONDS) -timeout=10 \
			-rss_limit_mb=2048 -print_final_stats=1 \
			-artifact_prefix=$(B)/fuzz/$$f- \
			"$$work" $$( [ -d "$$seeds" ] && echo "$$seeds") \
			>$(B)/fuzz/$$f.log 2>&1; then \
			tail -n 60 $(B)/fuzz/$$f.log; failed="$$failed $$f"; \
			echo "not ok - $$f"; \
		else \
			grep -E '^(#[0-9]+.*DONE|stat::number_of_executed_units)' \
				$(B)/fuzz/$$f.log | sed 's/^/  /'; \
			passed=$$((passed + 1)); echo "ok   $$f"; \
		fi; \
		rm -rf "$$work"; \
	done; \
	echo "$$passed passed, $$(echo $$failed | wc -w) failed, 0 skipped"; \
	if [ -n "$$failed" ]; then \
		echo "fuzz: found a problem in:$$failed (inputs in $(B)/fuzz/)" >&2; \
		exit 1; \
	fi

check-valgrind: deps
	$(Q)$(MAKE) --no-print-directory all test-plugins
	$(Q)B=$(B) bash tests/valgrind/run.sh
