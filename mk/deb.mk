# mk/deb.mk: `make deb` builds the Debian packages igor and igor-dev with
# debhelper (dpkg-buildpackage -us -uc -b, debian/) and leaves them, with
# their .changes and .buildinfo, in $(B)/deb/:
#
#   make deb && lintian build/deb/*.changes && dpkg -i build/deb/igor_*.deb
#
# dpkg-buildpackage writes its results into the parent of the source
# tree, so the build runs in a copy, $(B)/deb-src/igor-VERSION/: nothing
# lands outside the checkout, and the checkout's own build/ is untouched.

DEB_SRC := $(B)/deb-src
DEB_OUT := $(B)/deb
DEB_DIR := $(DEB_SRC)/igor-$(VERSION)
# What the package build must not inherit from this make or its caller:
# the configured directories and flags are debian/rules' to choose.
DEB_ENV := env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u B -u OPT -u SAN -u V \
	-u CFLAGS -u CPPFLAGS -u LDFLAGS $(foreach v,$(PATH_VARS),-u $(v))

.PHONY: deb

deb:
	@command -v dpkg-buildpackage >/dev/null && command -v dh >/dev/null || { \
	  echo "make deb needs dpkg-dev and debhelper; install them with:" >&2; \
	  echo "  apt-get install -y dpkg-dev debhelper" >&2; exit 1; }
	@v=$$(dpkg-parsechangelog -l debian/changelog -S Version) && \
	  [ "$${v%-*}" = "$(VERSION)" ] || { \
	  echo "debian/changelog is at $$v, the Makefile at $(VERSION): add a changelog entry" >&2; \
	  exit 1; }
	$(Q)rm -rf $(DEB_SRC) $(DEB_OUT) && mkdir -p $(DEB_DIR) $(DEB_OUT)
	@echo "  COPY    the sources into $(DEB_DIR)"
	$(Q)tar -cf - --exclude-vcs --exclude=./build --exclude='./$(B)' \
		--exclude='*.o' --exclude='*.so' --exclude='*.a' \
		--exclude=./tests/fuzz/corpus-work . | tar -C $(DEB_DIR) -xf -
	$(Q)cd $(DEB_DIR) && $(DEB_ENV) dpkg-buildpackage -us -uc -b
	$(Q)mv $(DEB_SRC)/*.deb $(DEB_SRC)/*.changes $(DEB_SRC)/*.buildinfo $(DEB_OUT)/
	@ls -1 $(DEB_OUT)/*.deb | sed 's/^/  DEB     /'
