# src/mech build fragment
