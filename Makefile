# igor: the one build entry.  `make V=1` shows every command.
#
#   make                     build everything into build/
#   make check               unit and end-to-end tests; ends "N passed, M failed"
#   make check-asan          the same suite built with ASan and UBSan
#   make demo                igor on a copy of example_fs/
#   make install             PREFIX (default /usr/local) and DESTDIR
#   make uninstall
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
CFLAGS_ALL  := $(WARN) $(OPT) $(SAN) -D_GNU_SOURCE $(CFLAGS)
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

all: deps-present $(PROGRAMS) $(PLUGINS) $(B)/igor.pc

.PHONY: all check check-asan check-valgrind demo install uninstall clean \
	deps deps-present unit-tests test-plugins fuzz bench

# ---- dependencies ------------------------------------------------------------

deps-present:
	@$(PKG_CONFIG) --exists yaml-0.1 libcbor 2>/dev/null || { \
	  echo "igor needs libyaml and libcbor headers; install them with:" >&2; \
	  echo "  apt-get install -y $(DEPS_PKGS)" >&2; exit 1; }

# Used by check and demo only: installs what is missing when run as root.
deps:
	@sh tests/deps.sh $(DEPS_PKGS) mandoc python3

# ---- objects -----------------------------------------------------------------

$(B)/obj/common/%.o: common/%.c $(wildcard common/*.h)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS_ALL) $(INC_common) $(DEPS_CFLAGS) -c $< -o $@

$(B)/obj/supervisor/%.o: supervisor/%.c $(wildcard supervisor/*.h common/*.h)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS_ALL) $(INC_supervisor) $(PATHS_DEFS) -c $< -o $@

$(B)/obj/worker/%.o: worker/%.c $(wildcard worker/*.h common/*.h include/igor/*.h)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS_ALL) $(INC_worker) $(PATHS_DEFS) -c $< -o $@

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
$(B)/plugins/%.so: plugins/%.c $(PLUGIN_LIB) $(wildcard plugins/lib/*.h) include/igor/plugin.h
	@mkdir -p $(@D)
	@$(if $(Q),echo "  PLUGIN  $@")
	$(Q)$(CC) $(CFLAGS_ALL) $(INC_plugins) -Iplugins/$* -shared -fPIC -o $@ $< \
		$(wildcard plugins/$*/*.c) $(PLUGIN_LIB)

PLUGIN_OWN := $(filter-out lib,$(notdir $(patsubst %/,%,$(wildcard plugins/*/))))
$(foreach p,$(PLUGIN_OWN),$(eval $(B)/plugins/$(p).so: $(wildcard plugins/$(p)/*.[ch])))

$(B)/tests/plugins/%.so: tests/plugins/%.c include/igor/plugin.h
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS_ALL) -Iinclude -shared -fPIC -o $@ $<

$(B)/igor.pc: igor.pc.in Makefile
	$(Q)sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|g' \
		-e 's|@PLUGINDIR@|$(PLUGINDIR)|g' -e 's|@VERSION@|$(VERSION)|g' $< > $@

# ---- tests -------------------------------------------------------------------

$(B)/tests/unit/%: tests/unit/%.c tests/unit/check.h $(B)/libsup.a $(B)/libwk.a $(B)/libcommon.a
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS_ALL) $(INC_tests) $(PATHS_DEFS) -o $@ $(filter %.c,$^) \
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

MAN_PAGES := $(wildcard man/*.[1-8])

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBEXECDIR)/igor \
		$(DESTDIR)$(PLUGINDIR) $(DESTDIR)$(INCLUDEDIR)/igor \
		$(DESTDIR)$(PKGCONFIGDIR)
	install -m 755 $(B)/igor $(if $(HAVE_IGORCTL),$(B)/igorctl) $(DESTDIR)$(BINDIR)/
	install -m 755 $(B)/igor-worker $(DESTDIR)$(LIBEXECDIR)/igor/
	install -m 644 $(PLUGINS) $(DESTDIR)$(PLUGINDIR)/
	install -m 644 include/igor/plugin.h $(DESTDIR)$(INCLUDEDIR)/igor/
	install -m 644 $(B)/igor.pc $(DESTDIR)$(PKGCONFIGDIR)/
	for m in $(MAN_PAGES); do \
		s=$${m##*.}; install -d $(DESTDIR)$(MANDIR)/man$$s; \
		install -m 644 $$m $(DESTDIR)$(MANDIR)/man$$s/; done

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/igor $(DESTDIR)$(BINDIR)/igorctl
	rm -rf $(DESTDIR)$(LIBEXECDIR)/igor $(DESTDIR)$(LIBDIR)/igor
	rm -rf $(DESTDIR)$(INCLUDEDIR)/igor
	rm -f $(DESTDIR)$(PKGCONFIGDIR)/igor.pc
	for m in $(MAN_PAGES); do s=$${m##*.}; \
		rm -f $(DESTDIR)$(MANDIR)/man$$s/$${m##*/}; done

clean:
	rm -rf $(B) build

# Each area may add its own targets (fuzz, bench, ...) in mk/AREA.mk.
-include $(wildcard mk/*.mk)
