# tests/unit build fragment
