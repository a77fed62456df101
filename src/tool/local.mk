# src/tool build fragment
