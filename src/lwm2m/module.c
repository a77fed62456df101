/* module.c - loading a PKCS#11 module for integrators that have no loader. */
#include "config.h"
#include "lwm2m/internal.h"

#include <dlfcn.h>
#include <stdio.h>

CK_FUNCTION_LIST_PTR pf_obj16_module_open(const char *path, void **handle)
{
	if (path == NULL || handle == NULL)
		return NULL;
	*handle = NULL;
	/* RTLD_LOCAL: the module's symbols (C_*) must not shadow another
	 * module's in a process that loads several. */
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (h == NULL)
		return NULL;
	CK_C_GetFunctionList get = NULL;
	*(void **)&get = dlsym(h, "C_GetFunctionList");
	CK_FUNCTION_LIST_PTR list = NULL;
	if (get == NULL || get(&list) != CKR_OK || list == NULL) {
		dlclose(h);
		return NULL;
	}
	*handle = h;
	return list;
}

void pf_obj16_module_close(void *handle)
{
	if (handle != NULL)
		dlclose(handle);
}
