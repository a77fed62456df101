/*
 * slot.c - slots and tokens: one per Portfolio instance of the store, plus
 * one free slot (the smallest unused instance id) whose token is not yet
 * initialised. C_InitToken on the free slot creates the instance and the next
 * slot list shows a new free slot.
 */
#include "config.h"
#include "core/core.h"
#include "core/object_index.h"
#include "util/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void token_free(core_token *tok, int forked)
{
	if (tok == NULL)
		return;
	core_token_free_objects(tok, 1);
	core_index_free(tok);
	htable_free(&tok->objects);
	htable_free(&tok->identities);
	core_presence_unregister(tok);
	if (forked) {
		/* Its backend state and lock are the parent's: neither closed nor freed. */
		core_abandon(tok);
		return;
	}
	if (tok->se != NULL)
		tok->be->close(tok->se);
	core_lock_destroy(&tok->lock);
	free(tok);
}

static CK_RV refresh_initialized(core_token *tok)
{
	se_token_info ti;
	CK_RV rv = tok->be->token_info(tok->se, &ti);
	if (rv == CKR_OK)
		tok->initialized = ti.initialized != 0;
	return rv;
}

static CK_RV token_open(CK_ULONG iid, core_token **out)
{
	se_config sc;
	core_config_se(&core_g.cfg, iid, &sc);
	const se_backend *be = se_backend_find(sc.backend);
	if (be == NULL) {
		PF_ERROR("instance %lu: backend '%s' is not available", (unsigned long)iid, sc.backend);
		return CKR_GENERAL_ERROR;
	}
	core_token *tok = calloc(1, sizeof *tok);
	if (tok == NULL)
		return CKR_HOST_MEMORY;
	tok->iid = iid;
	tok->be = be;
	tok->mech_opt_in = core_config_enc_cbc(&core_g.cfg, iid) ? MECH_OPT_IN_ENC_CBC : 0;
	tok->login = CORE_NOT_LOGGED_IN;
	tok->changes = store_change_counter(core_g.st, iid);
	if (htable_init(&tok->objects) != 0 || htable_init(&tok->identities) != 0) {
		htable_free(&tok->objects);
		free(tok);
		return CKR_HOST_MEMORY;
	}
	CK_RV rv = core_lock_init_read_mostly(&tok->lock, &core_g.env);
	if (rv != CKR_OK) {
		htable_free(&tok->objects);
		htable_free(&tok->identities);
		free(tok);
		return rv;
	}
	rv = be->open(&sc, core_g.st, iid, &tok->se);
	if (rv != CKR_OK) {
		PF_ERROR("instance %lu: the secure component did not open (0x%lx)", (unsigned long)iid,
		         (unsigned long)rv);
		tok->se = NULL;
		token_free(tok, 0);
		return rv;
	}
	core_presence_register(tok);
	core_presence_start(tok);
	rv = refresh_initialized(tok);
	if (be->present != NULL && (rv == CKR_TOKEN_NOT_PRESENT || rv == CKR_DEVICE_REMOVED))
		rv = CKR_OK; /* a card not in its reader: the slot is there, its token is not (yet) */
	if (rv == CKR_OK)
		rv = core_token_load_objects(tok);
	if (rv != CKR_OK) {
		token_free(tok, 0);
		return rv;
	}
	*out = tok;
	return CKR_OK;
}

static CK_RV tokens_insert(core_token *tok)
{
	core_token **n = realloc(core_g.tokens, (core_g.n_tokens + 1) * sizeof *n);
	if (n == NULL)
		return CKR_HOST_MEMORY;
	core_g.tokens = n;
	size_t i = core_g.n_tokens;
	while (i > 0 && n[i - 1]->iid > tok->iid) {
		n[i] = n[i - 1];
		i--;
	}
	n[i] = tok;
	core_g.n_tokens++;
	return CKR_OK;
}

core_token *core_token_by_slot(CK_SLOT_ID id)
{
	size_t lo = 0, hi = core_g.n_tokens;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		core_token *t = core_g.tokens[mid];
		if (t->iid == id)
			return t;
		if (t->iid < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Makes sure exactly one uninitialised token is offered (when room is left). */
static CK_RV ensure_free_slot(void)
{
	for (size_t i = 0; i < core_g.n_tokens; i++)
		if (!core_g.tokens[i]->initialized)
			return CKR_OK;
	CK_ULONG iid = 0;
	for (size_t i = 0; i < core_g.n_tokens && core_g.tokens[i]->iid == iid; i++)
		iid++;
	if (iid >= core_g.cfg.max_instances)
		return CKR_OK;
	core_token *tok;
	CK_RV rv = token_open(iid, &tok);
	if (rv != CKR_OK)
		return rv;
	rv = tokens_insert(tok);
	if (rv != CKR_OK)
		token_free(tok, 0);
	return rv;
}

/* Picks up instances another process created since we looked. Global lock exclusive. */
static CK_RV sync_instances(void)
{
	CK_ULONG *iids = NULL;
	size_t n = 0;
	if (core_g.st == NULL)
		return CKR_OK; /* no usable store: no slots (core_config_store_usable) */
	CK_RV rv = store_instance_list(core_g.st, &iids, &n);
	if (rv != CKR_OK)
		return rv;
	for (size_t i = 0; i < n; i++) {
		core_token *tok = core_token_by_slot(iids[i]);
		if (tok != NULL) {
			if (!tok->initialized)
				(void)refresh_initialized(tok);
			continue;
		}
		if (token_open(iids[i], &tok) != CKR_OK)
			continue; /* logged; the other instances stay usable */
		if (tokens_insert(tok) != CKR_OK) {
			token_free(tok, 0);
			rv = CKR_HOST_MEMORY;
			break;
		}
	}
	free(iids);
	if (rv == CKR_OK)
		rv = ensure_free_slot();
	return rv;
}

CK_RV core_open_tokens(void)
{
	return sync_instances();
}

void core_close_tokens(int forked)
{
	for (size_t i = 0; i < core_g.n_tokens; i++)
		token_free(core_g.tokens[i], forked);
	free(core_g.tokens);
	core_g.tokens = NULL;
	core_g.n_tokens = 0;
}

CK_RV core_get_slot_list(CK_BBOOL present, CK_SLOT_ID_PTR list, CK_ULONG_PTR count)
{
	core_lock_exclusive(&core_g.global);
	CK_RV rv = CKR_OK;
	if (list == NULL)
		rv = sync_instances();
	if (rv == CKR_OK) {
		/* Only removable components (a card) can be absent; asking costs a
		 * round trip to the reader, so only when the caller filters. */
		CK_ULONG n = 0;
		for (size_t i = 0; i < core_g.n_tokens; i++) {
			core_token *tok = core_g.tokens[i];
			if (present && !core_token_present(tok))
				continue;
			if (list != NULL && n < *count)
				list[n] = tok->iid;
			n++;
		}
		if (list != NULL && *count < n)
			rv = CKR_BUFFER_TOO_SMALL;
		*count = n;
		core_presence_settle();
	}
	core_unlock(&core_g.global);
	return rv;
}

CK_RV core_get_slot_info(CK_SLOT_ID id, CK_SLOT_INFO_PTR info)
{
	char desc[64];
	core_lock_shared(&core_g.global);
	core_token *tok = core_token_by_slot(id);
	if (tok == NULL) {
		core_unlock(&core_g.global);
		return CKR_SLOT_ID_INVALID;
	}
	memset(info, 0, sizeof *info);
	snprintf(desc, sizeof desc, "Portfolio /16/%lu", (unsigned long)tok->iid);
	core_pad(info->slotDescription, sizeof info->slotDescription, desc);
	core_pad(info->manufacturerID, sizeof info->manufacturerID, "portfolio-pkcs11");
	if (tok->be->present != NULL) {
		/* A reader and its card: the card may be pulled (CKF_REMOVABLE_DEVICE). */
		core_lock_shared(&tok->lock);
		int here = core_token_present(tok);
		core_unlock(&tok->lock);
		info->flags = CKF_REMOVABLE_DEVICE | CKF_HW_SLOT | (here ? CKF_TOKEN_PRESENT : 0);
	} else {
		info->flags = CKF_TOKEN_PRESENT;
	}
	info->hardwareVersion.major = 0;
	info->hardwareVersion.minor = 1;
	info->firmwareVersion.major = 0;
	info->firmwareVersion.minor = 1;
	core_unlock(&core_g.global);
	return CKR_OK;
}

CK_RV core_get_token_info(CK_SLOT_ID id, CK_TOKEN_INFO_PTR info)
{
	se_token_info ti;
	core_lock_shared(&core_g.global);
	core_token *tok = core_token_by_slot(id);
	if (tok == NULL) {
		core_unlock(&core_g.global);
		return CKR_SLOT_ID_INVALID;
	}
	core_lock_shared(&tok->lock);
	CK_RV rv = tok->be->token_info(tok->se, &ti);
	core_unlock(&tok->lock);
	if (rv == CKR_OK) {
		memset(info, 0, sizeof *info);
		memcpy(info->label, ti.label, sizeof info->label);
		core_pad(info->manufacturerID, sizeof info->manufacturerID, "portfolio-pkcs11");
		core_pad(info->model, sizeof info->model, "LwM2M Obj16");
		memcpy(info->serialNumber, ti.serial, sizeof info->serialNumber);
		info->flags = CKF_RNG | CKF_LOGIN_REQUIRED | ti.pin_flags;
		if (ti.initialized)
			info->flags |= CKF_TOKEN_INITIALIZED;
		if (ti.user_pin_set)
			info->flags |= CKF_USER_PIN_INITIALIZED;
		info->ulMaxSessionCount = CORE_MAX_SESSIONS;
		info->ulSessionCount = tok->n_sessions;
		info->ulMaxRwSessionCount = CORE_MAX_SESSIONS;
		info->ulRwSessionCount = tok->n_rw_sessions;
		info->ulMaxPinLen = CORE_MAX_PIN;
		info->ulMinPinLen = CORE_MIN_PIN;
		info->ulTotalPublicMemory = CK_UNAVAILABLE_INFORMATION;
		info->ulFreePublicMemory = CK_UNAVAILABLE_INFORMATION;
		info->ulTotalPrivateMemory = CK_UNAVAILABLE_INFORMATION;
		info->ulFreePrivateMemory = CK_UNAVAILABLE_INFORMATION;
		info->hardwareVersion.major = 0;
		info->hardwareVersion.minor = 1;
		info->firmwareVersion.major = 0;
		info->firmwareVersion.minor = 1;
		/* No clock on the token (no CKF_CLOCK_ON_TOKEN): the field stays blank. */
		memset(info->utcTime, ' ', sizeof info->utcTime);
	}
	core_unlock(&core_g.global);
	return rv;
}

CK_RV core_init_token(CK_SLOT_ID id, const uint8_t *pin, CK_ULONG len, const uint8_t *label)
{
	char lab[32];
	if (len < CORE_MIN_PIN || len > CORE_MAX_PIN)
		return CKR_PIN_LEN_RANGE;
	memcpy(lab, label, sizeof lab);
	core_lock_exclusive(&core_g.global);
	core_token *tok = core_token_by_slot(id);
	CK_RV rv;
	if (tok == NULL) {
		rv = CKR_SLOT_ID_INVALID;
	} else if (tok->n_sessions != 0) {
		rv = CKR_SESSION_EXISTS;
	} else {
		int was_initialized = tok->initialized;
		rv = tok->be->init_token(tok->se, pin, len, lab);
		if (rv == CKR_OK) {
			tok->login = CORE_NOT_LOGGED_IN;
			if (was_initialized) {
				/* Re-initialisation empties the token: drop every object record. */
				core_token_purge(tok);
			}
			(void)refresh_initialized(tok);
			rv = core_token_load_objects(tok);
			if (rv == CKR_OK)
				rv = ensure_free_slot();
		} else if (rv == CKR_TOKEN_NOT_RECOGNIZED) {
			/* Another process initialised it first: show its token, and a new free slot. */
			(void)refresh_initialized(tok);
			if (tok->initialized)
				(void)ensure_free_slot();
		}
	}
	core_unlock(&core_g.global);
	return rv;
}
