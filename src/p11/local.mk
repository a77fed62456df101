# src/p11 build fragment
