# etc: what make install adds around the module: the store directory (with
# the group whose members may use the system store), an example
# configuration and the pkg-config file.

# The default store's directory (CORE_DEFAULT_STORE in src/core/conf.h).
portfoliostatedir = $(localstatedir)/lib/portfolio-pkcs11

# SoftHSM2-like: root:$(STORE_GROUP), mode 2770, when installing as root and
# the group exists; otherwise private to the installing user (the module
# then offers no slots to anybody else, silently).
install-data-local: install-store-dir
install-store-dir:
	$(MKDIR_P) '$(DESTDIR)$(portfoliostatedir)'
	@dir='$(DESTDIR)$(portfoliostatedir)'; \
	if test 'x$(STORE_GROUP)' != xno && test "`id -u`" = 0 && \
	   getent group '$(STORE_GROUP)' >/dev/null 2>&1; then \
	  echo "chgrp $(STORE_GROUP) $$dir; chmod 2770 $$dir"; \
	  chgrp '$(STORE_GROUP)' "$$dir" && chmod 2770 "$$dir"; \
	else \
	  chmod 0700 "$$dir"; \
	  if test 'x$(STORE_GROUP)' != xno && test "`id -u`" = 0 && test -z '$(DESTDIR)'; then \
	    echo "note: group $(STORE_GROUP) does not exist: $$dir is root's only."; \
	    echo "note: groupadd --system $(STORE_GROUP) and make install again to share it."; \
	  fi; \
	fi
# Only an empty directory: a store with tokens is never removed by uninstall.
uninstall-local:
	-rmdir '$(DESTDIR)$(portfoliostatedir)' 2>/dev/null

# The example configuration, with this build's paths.
examplesdir = $(docdir)/examples
examples_DATA = etc/portfolio-pkcs11.conf.example
CLEANFILES += etc/portfolio-pkcs11.conf.example
EXTRA_DIST += etc/portfolio-pkcs11.conf.example.in
etc/portfolio-pkcs11.conf.example: $(srcdir)/etc/portfolio-pkcs11.conf.example.in Makefile
	$(AM_V_GEN)$(MKDIR_P) etc && sed -e 's|@sysconfdir[@]|$(sysconfdir)|g' \
	  -e 's|@localstatedir[@]|$(localstatedir)|g' -e 's|@STORE_GROUP[@]|$(STORE_GROUP)|g' \
	  $(srcdir)/etc/portfolio-pkcs11.conf.example.in > $@

# pkg-config: where the module is (for p11-kit style consumers) and the
# headers with the vendor constants.
portfoliopkcs11_pkgconfigdir = $(libdir)/pkgconfig
portfoliopkcs11_pkgconfig_DATA = etc/portfolio-pkcs11.pc

# Bash completion, under the prefix like the rest (bash-completion also reads
# $(datadir)/bash-completion/completions of /usr/local).
bashcompletiondir = $(datadir)/bash-completion/completions
bashcompletion_DATA = etc/portfolio-tool
CLEANFILES += etc/portfolio-tool
EXTRA_DIST += etc/portfolio-tool.bash-completion
etc/portfolio-tool: $(srcdir)/etc/portfolio-tool.bash-completion
	$(AM_V_GEN)$(MKDIR_P) etc && cp $(srcdir)/etc/portfolio-tool.bash-completion $@
