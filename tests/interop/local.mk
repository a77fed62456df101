# tests/interop build fragment: the built module driven by other people's
# tools (pkcs11-tool, p11-kit, PyKCS11). Each test makes its own temporary
# store; they find the module through top_builddir (AM_TESTS_ENVIRONMENT).
INTEROP_TESTS = \
	tests/interop/p11tool_slots.sh \
	tests/interop/p11tool_token.sh \
	tests/interop/p11tool_selftest.sh \
	tests/interop/p11kit_module.sh \
	tests/interop/store_unusable.sh \
	tests/interop/install.sh \
	tests/interop/logging.sh \
	tests/interop/python_binding.py \
	tests/interop/bench_charts.sh \
	tests/interop/pykcs11_server.py \
	tests/interop/jose_jwcrypto.py \
	tests/interop/jose_jwcrypto_kw.py
TESTS += $(INTEROP_TESTS)
EXTRA_DIST += $(INTEROP_TESTS) tests/interop/common.sh tests/interop/jose_interop.py
