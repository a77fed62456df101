# include/pkcs11 build fragment
