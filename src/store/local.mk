# src/store build fragment
