# bindings/python: portfolio_pkcs11.py (on top of PyKCS11), installed where
# the system Python finds it (configure: --with-python-dir).
portfoliopythondir = $(portfolio_pythondir)
dist_portfoliopython_DATA = bindings/python/portfolio_pkcs11.py
