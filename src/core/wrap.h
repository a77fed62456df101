/*
 * wrap.h - C_WrapKey / C_UnwrapKey in the core (wrap.c). The secure component
 * computes and decides (se.h item_wrap / item_unwrap); the unwrapped key is
 * made through core_create_key_locked like every key the component makes.
 */
#ifndef PORTFOLIO_CORE_WRAP_H
#define PORTFOLIO_CORE_WRAP_H

#include "core/core.h"

/* PKCS#11 5.2 length convention: out == NULL or *out_len too small set *out_len
 * (CKR_OK / CKR_BUFFER_TOO_SMALL). */
CK_RV core_wrap_key(CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE wrapping, CK_OBJECT_HANDLE key,
                    CK_BYTE_PTR out, CK_ULONG_PTR out_len);
CK_RV core_unwrap_key(CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE unwrapping,
                      CK_BYTE_PTR blob, CK_ULONG blob_len, CK_ATTRIBUTE_PTR t, CK_ULONG n,
                      CK_OBJECT_HANDLE_PTR out);

#endif
