# mk/bench.mk: `make bench` (about 5 minutes) and `make bench QUICK=1`
# (about 1 minute): igor against the raw inotify reader, side by side, in
# one run.  Not part of `make check`.  See bench/README.md.

BENCH_B     := $(B)/bench
# The plugin is built against an install of igor, as a stranger's would
# be: `make install DESTDIR=<stage>`, then pkg-config with that stage as
# its sysroot (the installed igor.pc keeps the real PREFIX).
BENCH_STAGE := $(abspath $(BENCH_B))/stage
BENCH_PC     = PKG_CONFIG_LIBDIR=$(BENCH_STAGE)$(PKGCONFIGDIR) \
	PKG_CONFIG_PATH= PKG_CONFIG_SYSROOT_DIR=$(BENCH_STAGE) $(PKG_CONFIG)
BENCH_TOOLS := $(BENCH_B)/rawwatch $(BENCH_B)/gen $(BENCH_B)/exitcost \
	$(BENCH_B)/stamp $(BENCH_B)/benchplugin.so

.PHONY: bench-tools

$(BENCH_B)/stage.stamp: $(PROGRAMS) $(PLUGINS) $(B)/igor.pc include/igor/plugin.h
	@mkdir -p $(@D)
	$(Q)rm -rf $(BENCH_STAGE)
	$(Q)$(MAKE) --no-print-directory install DESTDIR=$(BENCH_STAGE) >/dev/null
	$(Q)touch $@

$(BENCH_B)/rawwatch $(BENCH_B)/gen $(BENCH_B)/exitcost $(BENCH_B)/stamp: $(BENCH_B)/%: bench/%.c bench/bench_out.h
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(CFLAGS_ALL) -Ibench -o $@ $<

$(BENCH_B)/benchplugin.so: bench/benchplugin.c bench/bench_out.h $(BENCH_B)/stage.stamp
	@$(if $(Q),echo "  PLUGIN  $@ (pkg-config igor, installed)")
	$(Q)$(CC) $(CFLAGS_ALL) -Ibench $$($(BENCH_PC) --cflags igor) \
		-shared -fPIC -o $@ $<

bench-tools: $(BENCH_TOOLS)

bench: all
	$(Q)$(MAKE) --no-print-directory bench-tools
	$(Q)B=$(B) QUICK=$(QUICK) BENCH_CMD="make bench$(if $(QUICK), QUICK=$(QUICK))" \
		bash bench/run.sh
