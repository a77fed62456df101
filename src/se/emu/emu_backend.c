/*
 * emu_backend.c - the emulator's backend table: the token half (this
 * directory's emu_token.c / emu_items.c) and the operation half (emu_ops.c).
 */
#include "se/emu/emu_token.h"
#include "se/emu/emu_scp80.h"

const se_backend se_emulator_backend = {
	.name = "emulator",

	.open = emu_open,
	.close = emu_close,
	.token_info = emu_token_info,

	.init_token = emu_init_token,
	.init_pin = emu_init_pin,
	.set_pin = emu_set_pin,
	.login = emu_login,
	.logout = emu_logout,

	.item_put = emu_item_put,
	.item_generate = emu_item_generate,
	.item_replace = emu_item_replace,
	.item_restrict = emu_item_restrict,
	.item_policy = emu_item_policy,
	.item_read = emu_item_read,
	.item_delete = emu_item_delete,
	.item_length = emu_item_length,

	.op_new = emu_op_new,
	.op_free = emu_op_free,
	.op_init = emu_op_init,
	.op_update = emu_op_update,
	.op_final = emu_op_final,
	.op_verify_final = emu_op_verify_final,
	.op_output_bound = emu_op_output_bound,
	.op_abort = emu_op_abort,

	.random = emu_random,
	.refresh = emu_items_refresh,
	.item_derive = emu_item_derive,

	.item_wrap = emu_item_wrap,
	.item_unwrap = emu_item_unwrap,
	.op_scp80_result = emu_scp80_result,
};
