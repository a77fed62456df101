# tests/bench build fragment
