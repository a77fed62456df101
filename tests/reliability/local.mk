# tests/reliability build fragment
