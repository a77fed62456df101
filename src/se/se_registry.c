/*
 * se_registry.c - backends by name (the "backend" configuration key).
 */
#include "config.h"

#include <string.h>

#include "se/se.h"

#ifdef HAVE_PCSC
extern const se_backend se_pcsc_backend; /* src/se/pcsc/pcsc_backend.c */
#endif

const se_backend *se_backend_find(const char *name)
{
	if (name == NULL)
		return NULL;
	if (strcmp(name, se_emulator_backend.name) == 0)
		return &se_emulator_backend;
#ifdef HAVE_PCSC
	if (strcmp(name, se_pcsc_backend.name) == 0)
		return &se_pcsc_backend;
#endif
	return NULL;
}
