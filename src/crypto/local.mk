# src/crypto build fragment
