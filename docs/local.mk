# docs: the man pages (installed) and the design documents; the man pages
# refer to the documents in $(docdir), so those are installed too.
dist_man_MANS += docs/portfolio-tool.1 docs/portfolio-pkcs11.conf.5
dist_doc_DATA += README.md docs/architecture.md docs/mechanisms.md docs/security.md \
	docs/storage.md docs/lwm2m.md docs/apdu.md
