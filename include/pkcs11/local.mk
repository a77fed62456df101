# include/pkcs11 build fragment: the public headers (tests/unit/header.mk pins
# pkcs11.h to the PKCS#11 3.0 binary interface).
pkcs11include_HEADERS += include/pkcs11/pkcs11.h include/pkcs11/portfolio.h
