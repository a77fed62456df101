/*
 * se_registry.c - backends by name (the "backend" configuration key).
 */
#include <string.h>

#include "se/se.h"

const se_backend *se_backend_find(const char *name)
{
	if (name == NULL)
		return NULL;
	if (strcmp(name, se_emulator_backend.name) == 0)
		return &se_emulator_backend;
	/* "pcsc" joins here when src/se/pcsc lands. */
	return NULL;
}
