# src/se build fragment
