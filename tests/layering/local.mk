# tests/layering build fragment: the layering check (tests/layering/layers.txt
# is the table of which layer may use which; docs/architecture.md draws it).
# It reads the objects of the build, so it runs after everything is built.
TESTS += tests/layering/check-layers.sh
EXTRA_DIST += tests/layering/check-layers.sh tests/layering/layers.txt
