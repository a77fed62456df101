# docs build fragment
