/*
 * module.h - loading a PKCS#11 module with dlopen, the way any application
 * would: C_GetInterface("PKCS 11", 3.0) when the module has it, else
 * C_GetFunctionList; then C_Initialize with OS locking.
 */
#ifndef PORTFOLIO_TOOL_MODULE_H
#define PORTFOLIO_TOOL_MODULE_H

#include "pkcs11/portfolio.h"
#include "tool/options.h"

/* The build passes the installed path ($(pkcs11dir)); this is a fallback. */
#ifndef PORTFOLIO_TOOL_DEFAULT_MODULE
#define PORTFOLIO_TOOL_DEFAULT_MODULE "/usr/local/lib/pkcs11/libportfolio-pkcs11.so"
#endif

struct tool_module {
	void *handle;
	CK_FUNCTION_LIST_PTR p11;
	int initialized;
};

/* --module, else $PORTFOLIO_TOOL_MODULE, else the installed module. */
const char *module_path(const struct tool_options *opts);

/* Returns TOOL_EXIT_OK with m->p11 initialised, or TOOL_EXIT_FAILURE (message printed). */
int module_load(const char *path, struct tool_module *m);

/* C_Finalize and dlclose; safe on a partly loaded module. */
void module_unload(struct tool_module *m);

#endif
