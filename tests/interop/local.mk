# tests/interop build fragment
