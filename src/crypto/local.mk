# src/crypto build fragment: OpenSSL 3 EVP wrappers and KDFs.
libportfolio_internal_la_SOURCES += \
	src/crypto/crypto.h \
	src/crypto/crypto_local.h src/crypto/fetch_once.h \
	src/crypto/crypto_algs.c \
	src/crypto/crypto_digest.c \
	src/crypto/crypto_mac.c \
	src/crypto/crypto_cipher.c \
	src/crypto/crypto_gcm.c \
	src/crypto/ccm.h src/crypto/crypto_ccm.c \
	src/crypto/crypto_random.c \
	src/crypto/crypto_keyid.c \
	src/crypto/crypto_wrap.c \
	src/crypto/kdf.h \
	src/crypto/kdf_local.h \
	src/crypto/kdf_fetch.c \
	src/crypto/kdf_kbkdf.c \
	src/crypto/kdf_kbkdf_mac.c \
	src/crypto/kdf_hkdf.c \
	src/crypto/kdf_scrypt.c \
	src/crypto/portfolio_div.h src/crypto/portfolio_div.c \
	src/crypto/onem2m.h \
	src/crypto/onem2m.c
