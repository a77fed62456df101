/* module.c - dlopen a PKCS#11 module and get its function list. */
#include "tool/module.h"
#include "tool/rv.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Our own pointer types, so the loader depends only on the C_* prototypes of
 * the standard and not on which typedef names a header spells them with. */
typedef CK_RV (*get_interface_fn)(CK_UTF8CHAR_PTR name, CK_VERSION_PTR version,
				  CK_INTERFACE_PTR *interface, CK_FLAGS flags);
typedef CK_RV (*get_function_list_fn)(CK_FUNCTION_LIST_PTR *list);

const char *module_path(const struct tool_options *opts)
{
	const char *env;

	if (options_has(opts, OPT_MODULE))
		return opts->value[OPT_MODULE];
	env = getenv("PORTFOLIO_TOOL_MODULE");
	if (env != NULL && env[0] != '\0')
		return env;
	return PORTFOLIO_TOOL_DEFAULT_MODULE;
}

static CK_FUNCTION_LIST_PTR list_from_interface(void *handle)
{
	void *sym = dlsym(handle, "C_GetInterface");
	get_interface_fn get_interface;
	CK_VERSION v30 = { 3, 0 };
	CK_INTERFACE_PTR iface = NULL;
	CK_UTF8CHAR name[] = "PKCS 11";

	if (sym == NULL)
		return NULL;
	/* POSIX guarantees a data pointer from dlsym converts to a function
	 * pointer; ISO C warns about the cast, so copy the bits. */
	memcpy(&get_interface, &sym, sizeof(get_interface));
	if (get_interface(name, &v30, &iface, 0) != CKR_OK || iface == NULL || iface->pFunctionList == NULL)
		return NULL;
	/* The 3.0 list begins with the 2.x list, the only part the tool calls. */
	return (CK_FUNCTION_LIST_PTR)iface->pFunctionList;
}

static CK_FUNCTION_LIST_PTR list_from_function_list(void *handle, CK_RV *rv)
{
	void *sym = dlsym(handle, "C_GetFunctionList");
	get_function_list_fn get_list;
	CK_FUNCTION_LIST_PTR list = NULL;

	*rv = CKR_FUNCTION_NOT_SUPPORTED;
	if (sym == NULL)
		return NULL;
	memcpy(&get_list, &sym, sizeof(get_list));
	*rv = get_list(&list);
	return *rv == CKR_OK ? list : NULL;
}

int module_load(const char *path, struct tool_module *m)
{
	CK_C_INITIALIZE_ARGS init_args;
	CK_RV rv = CKR_OK;

	memset(m, 0, sizeof(*m));
	m->handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (m->handle == NULL) {
		fprintf(stderr, "portfolio-tool: cannot load the module %s: %s\n"
			"(give --module PATH or set PORTFOLIO_TOOL_MODULE)\n", path, dlerror());
		return TOOL_EXIT_FAILURE;
	}
	m->p11 = list_from_interface(m->handle);
	if (m->p11 == NULL)
		m->p11 = list_from_function_list(m->handle, &rv);
	if (m->p11 == NULL) {
		fprintf(stderr, "portfolio-tool: %s is not a PKCS#11 module (no C_GetInterface or C_GetFunctionList)\n", path);
		if (rv != CKR_FUNCTION_NOT_SUPPORTED)
			rv_fail("C_GetFunctionList", rv);
		module_unload(m);
		return TOOL_EXIT_FAILURE;
	}
	if (m->p11->version.major < 2) {
		fprintf(stderr, "portfolio-tool: %s offers Cryptoki %u.%u; 2.x or later is needed\n", path,
			m->p11->version.major, m->p11->version.minor);
		module_unload(m);
		return TOOL_EXIT_FAILURE;
	}
	memset(&init_args, 0, sizeof(init_args));
	init_args.flags = CKF_OS_LOCKING_OK;
	rv = m->p11->C_Initialize(&init_args);
	if (rv != CKR_OK) {
		module_unload(m);
		return rv_fail("C_Initialize", rv);
	}
	m->initialized = 1;
	return TOOL_EXIT_OK;
}

void module_unload(struct tool_module *m)
{
	if (m->initialized && m->p11 != NULL)
		(void)m->p11->C_Finalize(NULL);
	m->initialized = 0;
	m->p11 = NULL;
	if (m->handle != NULL)
		dlclose(m->handle);
	m->handle = NULL;
}
