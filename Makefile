# igor: the one build entry.  `make V=1` shows every command.
#
#   make                     build everything into build/
#   make check               unit and end-to-end tests; ends "N passed, M failed"
#   make check-asan          the same suite built with ASan and UBSan
#   make demo                igor on a copy of example_fs/
#   make install             PREFIX (default /usr/local), DESTDIR and the
#                            directories below
#   make uninstall           removes exactly what install added
#   make deb                 Debian packages into build/deb/ (mk/deb.mk)
#
# A plain `make` or `make install` never installs packages; `make check`
# and `make demo` do, as root, when a build dependency is missing.

VERSION     := 0.1.0
PREFIX      ?= /usr/local
BINDIR      ?= $(PREFIX)/bin
LIBEXECDIR  ?= $(PREFIX)/libexec
LIBDIR      ?= $(PREFIX)/lib
PLUGINDIR   ?= $(LIBDIR)/igor/plugins
INCLUDEDIR  ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
MANDIR      ?= $(PREFIX)/share/man
DOCDIR      ?= $(PREFIX)/share/doc/igor
UNITDIR     ?= $(PREFIX)/lib/systemd/system

CC          ?= cc
PKG_CONFIG  ?= pkg-config
B           ?= build

ifeq ($(V),1)
Q :=
else
Q := @
endif

DEPS_PKGS   := libyaml-dev libcbor-dev pkg-config
DEPS_CFLAGS := $(shell $(PKG_CONFIG) --cflags yaml-0.1 libcbor 2>/dev/null)
DEPS_LIBS   := $(shell $(PKG_CONFIG) --libs yaml-0.1 libcbor 2>/dev/null)

WARN        := -std=gnu11 -Wall -Wextra -Werror
OPT         ?= -O2 -g
SAN         ?=
CFLAGS_ALL  := $(WARN) $(OPT) $(SAN) -D_GNU_SOURCE $(CPPFLAGS) $(CFLAGS)
LDFLAGS_ALL := $(SAN) $(LDFLAGS)

# Each directory sees only what it may include.
INC_common     := -Icommon
INC_supervisor := -Icommon -Isupervisor
INC_worker     := -Icommon -Iworker -Iinclude
INC_plugins    := -Iinclude -Iplugins/lib
INC_tests      := -Icommon -Isupervisor -Iworker -Iinclude -Itests/unit \
		  -Iplugins/containers

PATHS_DEFS := -DIGOR_VERSION='"$(VERSION)"' \
	-DIGOR_BINDIR='"$(BINDIR)"' \
	-DIGOR_LIBEXECDIR='"$(LIBEXECDIR)/igor"' \
	-DIGOR_PLUGINDIR='"$(PLUGINDIR)"'

# Only the sources naming one of those macros are compiled with PATHS_DEFS
# (elsewhere the macros are undefined, so a new use fails to compile
# rather than going stale), and only they depend on the paths stamp.
PATHS_USERS := $(shell grep -lE 'IGOR_(VERSION|BINDIR|LIBEXECDIR|PLUGINDIR)' \
	common/*.c supervisor/*.c worker/*.c tests/unit/*.c 2>/dev/null)
paths_defs   = $(if $(filter $(1),$(PATHS_USERS)),$(PATHS_DEFS))

COMMON_SRC  := $(wildcard common/*.c)
SUP_MAINS   := supervisor/main.c supervisor/igorctl.c
SUP_SRC     := $(filter-out $(SUP_MAINS),$(wildcard supervisor/*.c))
WK_SRC      := $(filter-out worker/main.c,$(wildcard worker/*.c))
PLUGIN_LIB  := $(wildcard plugins/lib/*.c)
PLUGINS     := $(patsubst plugins/%.c,$(B)/plugins/%.so,$(wildcard plugins/*.c))
TEST_PLUGINS := $(patsubst tests/plugins/%.c,$(B)/tests/plugins/%.so,$(wildcard tests/plugins/*.c))
UNIT_TESTS  := $(patsubst tests/unit/%.c,$(B)/tests/unit/%,$(wildcard tests/unit/*_test.c))
HAVE_IGORCTL := $(wildcard supervisor/igorctl.c)

obj = $(patsubst %.c,$(B)/obj/%.o,$(1))

PROGRAMS := $(B)/igor $(B)/igor-worker $(if $(HAVE_IGORCTL),$(B)/igorctl)

all: deps-present $(PROGRAMS) $(PLUGINS) $(B)/igor.pc $(B)/igor.service

.PHONY: all check check-asan check-valgrind demo install uninstall clean \
	deps deps-present unit-tests test-plugins fuzz bench FORCE

# ---- build stamps: what was configured, so no build goes stale ---------------
# git's GIT-PREFIX and GIT-CFLAGS: each stamp holds the values it records,
# is rewritten (and so made newer) only when one of them changed, and is a
# prerequisite of exactly what embeds them.  `make PREFIX=/opt/igor` after
# `make` rebuilds the objects that name a path, igor.pc and igor.service;
# `make CFLAGS=...` rebuilds every object; a second `make` rebuilds nothing.
PATH_VARS  := VERSION PREFIX BINDIR LIBEXECDIR LIBDIR PLUGINDIR INCLUDEDIR \
	PKGCONFIGDIR MANDIR DOCDIR UNITDIR
FLAG_VARS  := CC CFLAGS_ALL DEPS_CFLAGS LDFLAGS_ALL DEPS_LIBS
sq = $(subst ','\'',$(1))

# stamp_update FILE VARS: FILE holds "NAME=value" for each of VARS.
define stamp_update
	@mkdir -p $(dir $(1))
	@printf '%s\n' $(foreach v,$(2),'$(v)=$(call sq,$($(v)))') >$(1)+
	@if cmp -s $(1)+ $(1); then rm -f $(1)+; else \
		$(if $(wildcard $(1)),echo "  STAMP   $(1) changed";) mv $(1)+ $(1); fi
endef

$(B)/PATHS: FORCE
	$(call stamp_update,$@,$(PATH_VARS))

$(B)/FLAGS: FORCE
	$(call stamp_update,$@,$(FLAG_VARS))

FORCE:

$(call obj,$(filter-out tests/%,$(PATHS_USERS))): $(B)/PATHS
$(patsubst tests/unit/%.c,$(B)/tests/unit/%,$(filter tests/%,$(PATHS_USERS))): $(B)/PATHS

# ---- dependencies ------------------------------------------------------------

deps-present:
	@$(PKG_CONFIG) --exists yaml-0.1 libcbor 2>/dev/null || { \
	  echo "igor needs libyaml and libcbor headers; install them with:" >&2; \
	  echo "  apt-get install -y $(DEPS_PKGS)" >&2; exit 1; }

# Used by check and demo only: installs what is missing when run as root.
deps:
	@sh tests/deps.sh $(DEPS_PKGS) mandoc python3

# ---- objects -----------------------------------------------------------------

$(B)/obj/common/%.o: common/%.c $(wildcard common/*.h) $(B)/FLAGS
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS_ALL) $(INC_common) $(DEPS_CFLAGS) $(call paths_defs,$<) -c $< -o $@

$(B)/obj/supervisor/%.o: supervisor/%.c $(wildcard supervisor/*.h common/*.h) $(B)/FLAGS
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS_ALL) $(INC_supervisor) $(call paths_defs,$<) -c $< -o $@

$(B)/obj/worker/%.o: worker/%.c $(wildcard worker/*.h common/*.h include/igor/*.h) $(B)/FLAGS
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS_ALL) $(INC_worker) $(call paths_defs,$<) -c $< -o $@

$(B)/libcommon.a: $(call obj,$(COMMON_SRC))
	$(Q)rm -f $@ && ar rcs $@ $^

$(B)/libsup.a: $(call obj,$(SUP_SRC))
	$(Q)rm -f $@ && ar rcs $@ $^

$(B)/libwk.a: $(call obj,$(WK_SRC))
	$(Q)rm -f $@ && ar rcs $@ $^

# ---- programs ----------------------------------------------------------------

$(B)/igor: $(call obj,supervisor/main.c) $(B)/libsup.a $(B)/libcommon.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $^ $(DEPS_LIBS)

$(B)/igorctl: $(call obj,supervisor/igorctl.c) $(B)/libsup.a $(B)/libcommon.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $^ $(DEPS_LIBS)

# The worker exports exactly the ABI (worker/exports.list) to plugins.
# Objects, not an archive: nothing in main() calls the ABI, yet all of it
# must be there for plugins.
$(B)/igor-worker: $(call obj,worker/main.c $(WK_SRC)) $(B)/libcommon.a worker/exports.list
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS_ALL) -Wl,--dynamic-list=worker/exports.list -o $@ \
		$(filter %.o %.a,$^) $(DEPS_LIBS) -ldl

# Plugins see only the public header, exactly like a stranger's plugin.
# A plugin's own modules, in plugins/NAME/, are compiled into it alone.
$(B)/plugins/%.so: plugins/%.c $(PLUGIN_LIB) $(wildcard plugins/lib/*.h) include/igor/plugin.h $(B)/FLAGS
	@mkdir -p $(@D)
	@$(if $(Q),echo "  PLUGIN  $@")
	$(Q)$(CC) $(CFLAGS_ALL) $(INC_plugins) -Iplugins/$* -shared -fPIC $(LDFLAGS_ALL) -o $@ $< \
		$(wildcard plugins/$*/*.c) $(PLUGIN_LIB)

PLUGIN_OWN := $(filter-out lib,$(notdir $(patsubst %/,%,$(wildcard plugins/*/))))
$(foreach p,$(PLUGIN_OWN),$(eval $(B)/plugins/$(p).so: $(wildcard plugins/$(p)/*.[ch])))

$(B)/tests/plugins/%.so: tests/plugins/%.c include/igor/plugin.h $(B)/FLAGS
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS_ALL) -Iinclude -shared -fPIC $(LDFLAGS_ALL) -o $@ $<

# Files with the configured paths substituted (sed's | is not allowed in
# a path here).
SUBST = sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@BINDIR@|$(BINDIR)|g' \
	-e 's|@INCLUDEDIR@|$(INCLUDEDIR)|g' -e 's|@PLUGINDIR@|$(PLUGINDIR)|g' \
	-e 's|@VERSION@|$(VERSION)|g'

$(B)/igor.pc: igor.pc.in $(B)/PATHS
	@$(if $(Q),echo "  GEN     $@")
	$(Q)$(SUBST) $< >$@+ && mv $@+ $@

$(B)/igor.service: igor.service.in $(B)/PATHS
	@$(if $(Q),echo "  GEN     $@")
	$(Q)$(SUBST) $< >$@+ && mv $@+ $@

# ---- tests -------------------------------------------------------------------

$(B)/tests/unit/%: tests/unit/%.c $(wildcard tests/unit/*.h) $(B)/libsup.a $(B)/libwk.a $(B)/libcommon.a
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS_ALL) $(INC_tests) $(call paths_defs,$<) $(LDFLAGS_ALL) -o $@ $(filter %.c,$^) \
		$(B)/libsup.a $(B)/libwk.a $(B)/libcommon.a $(DEPS_LIBS) -ldl

# containers.so's decision is a pure function, tested on its own.
$(B)/tests/unit/ctr_decide_test: plugins/containers/ctr_decide.c plugins/containers/ctr_decide.h

unit-tests: $(UNIT_TESTS)
test-plugins: $(TEST_PLUGINS)

check: deps
	$(Q)$(MAKE) --no-print-directory all unit-tests test-plugins
	$(Q)B=$(B) bash tests/run.sh

# Every sanitizer report of every process (igor, workers, igorctl) goes to
# a file under san-reports/; tests/run.sh counts each one as a failure.
check-asan: deps
	$(Q)$(MAKE) --no-print-directory B=build/asan OPT="-O1 -g -fno-omit-frame-pointer" \
		SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" \
		all unit-tests test-plugins
	$(Q)rm -rf build/asan/san-reports && mkdir -p build/asan/san-reports
	$(Q)ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:handle_segv=0:log_path=$(CURDIR)/build/asan/san-reports/asan \
		UBSAN_OPTIONS=print_stacktrace=1:log_path=$(CURDIR)/build/asan/san-reports/ubsan \
		IGOR_SAN_REPORTS=$(CURDIR)/build/asan/san-reports \
		B=build/asan IGOR_TEST_SANITIZED=1 bash tests/run.sh

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)B=$(B) sh tests/demo.sh

# ---- install -----------------------------------------------------------------
# What install writes, file by file, so that uninstall removes exactly
# that.  With the default directories everything is under $(PREFIX): a
# user can install into a home directory without root.

MAN_PAGES     := $(wildcard man/*.[1-8])
# example_fs/ as committed: a run in place writes engine.log there.
EXAMPLE_FILES := $(shell find example_fs \( -type f -o -type l \) ! -name engine.log \
	2>/dev/null | LC_ALL=C sort)
EXAMPLES      := $(DESTDIR)$(DOCDIR)/examples
INSTALLED     := $(addprefix $(DESTDIR)$(BINDIR)/,$(notdir $(filter-out $(B)/igor-worker,$(PROGRAMS)))) \
	$(DESTDIR)$(LIBEXECDIR)/igor/igor-worker \
	$(addprefix $(DESTDIR)$(PLUGINDIR)/,$(notdir $(PLUGINS))) \
	$(DESTDIR)$(INCLUDEDIR)/igor/plugin.h $(DESTDIR)$(PKGCONFIGDIR)/igor.pc \
	$(foreach m,$(MAN_PAGES),$(DESTDIR)$(MANDIR)/man$(subst .,,$(suffix $(m)))/$(notdir $(m))) \
	$(DESTDIR)$(UNITDIR)/igor.service $(DESTDIR)$(DOCDIR)/README \
	$(EXAMPLES)/igor.conf $(addprefix $(EXAMPLES)/,$(EXAMPLE_FILES))
# The directories that are igor's alone, children before parents; the
# shared ones (bin, man8, pkgconfig, ...) stay.
OWN_DIRS      := $(shell printf '%s\n' $(patsubst %/,%,$(sort $(dir $(EXAMPLE_FILES)))) | \
	LC_ALL=C sort -r | sed 's|^|$(EXAMPLES)/|') $(EXAMPLES) $(DESTDIR)$(DOCDIR) \
	$(DESTDIR)$(LIBEXECDIR)/igor $(DESTDIR)$(PLUGINDIR) $(DESTDIR)$(LIBDIR)/igor \
	$(DESTDIR)$(INCLUDEDIR)/igor

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBEXECDIR)/igor \
		$(DESTDIR)$(PLUGINDIR) $(DESTDIR)$(INCLUDEDIR)/igor \
		$(DESTDIR)$(PKGCONFIGDIR) $(DESTDIR)$(UNITDIR) $(EXAMPLES)
	install -m 755 $(filter-out $(B)/igor-worker,$(PROGRAMS)) $(DESTDIR)$(BINDIR)/
	install -m 755 $(B)/igor-worker $(DESTDIR)$(LIBEXECDIR)/igor/
	install -m 644 $(PLUGINS) $(DESTDIR)$(PLUGINDIR)/
	install -m 644 include/igor/plugin.h $(DESTDIR)$(INCLUDEDIR)/igor/
	install -m 644 $(B)/igor.pc $(DESTDIR)$(PKGCONFIGDIR)/
	install -m 644 $(B)/igor.service $(DESTDIR)$(UNITDIR)/
	for m in $(MAN_PAGES); do \
		s=$${m##*.}; install -d $(DESTDIR)$(MANDIR)/man$$s; \
		install -m 644 $$m $(DESTDIR)$(MANDIR)/man$$s/; done
	install -m 644 README $(DESTDIR)$(DOCDIR)/
	install -m 644 etc/igor.conf $(EXAMPLES)/
	@for f in $(EXAMPLE_FILES); do \
		to=$(EXAMPLES)/$$f; install -d "$${to%/*}" || exit 1; \
		if [ -L $$f ]; then ln -sfn "$$(readlink $$f)" "$$to"; \
		elif [ -x $$f ]; then install -m 755 $$f "$$to"; \
		else install -m 644 $$f "$$to"; fi || exit 1; done
	@echo "  INSTALL examples into $(EXAMPLES)"

uninstall:
	rm -f $(INSTALLED)
	@for d in $(OWN_DIRS); do [ ! -d $$d ] || rmdir $$d 2>/dev/null || true; done

# build/, and B when it is elsewhere (check-asan's build/asan is inside).
clean:
	rm -rf $(strip build $(if $(filter $(abspath build)/%,$(abspath $(B))/),,$(B)))

# Each area may add its own targets (fuzz, bench, ...) in mk/AREA.mk.
-include $(wildcard mk/*.mk)
