/*
 * scp80_counter.c - the replay counter rules of TS 102 225 5.1.1, as pure
 * functions: the caller owns the stored value and commits what they return.
 */
#include "config.h"

#include "sms/scp80.h"

scp80_err scp80_counter_check(scp80_counter_mode mode, uint64_t received, uint64_t stored,
                              uint64_t max_step, uint64_t *commit)
{
	*commit = stored;
	/* No counter, or one present but not checked: nothing to compare, and
	 * nothing to store (the stored value only guards the checked modes). */
	if (mode == SCP80_CNTR_NONE || mode == SCP80_CNTR_PRESENT)
		return SCP80_OK;
	if (received > SCP80_COUNTER_MAX)
		return SCP80_ERR_ARG;
	/* A counter that reached its last value accepts nothing more. */
	if (stored >= SCP80_COUNTER_MAX)
		return SCP80_ERR_COUNTER_BLOCKED;
	if (received <= stored)
		return SCP80_ERR_COUNTER_LOW;
	if (mode == SCP80_CNTR_ONE_HIGHER && received != stored + 1)
		return SCP80_ERR_COUNTER_HIGH;
	if (max_step != 0 && received - stored > max_step)
		return SCP80_ERR_COUNTER_HIGH;
	*commit = received;
	return SCP80_OK;
}

scp80_err scp80_counter_next(uint64_t last, uint64_t *next)
{
	if (last >= SCP80_COUNTER_MAX)
		return SCP80_ERR_COUNTER_BLOCKED;
	*next = last + 1;
	return SCP80_OK;
}

#define ACK_MASK ((UINT64_C(1) << SCP80_ACK_WINDOW) - 1)

scp80_err scp80_ack_check(uint64_t state, uint64_t counter, uint64_t *next)
{
	uint64_t top = state >> SCP80_ACK_WINDOW, mask = state & ACK_MASK;

	*next = state;
	if (counter == 0 || counter > SCP80_COUNTER_MAX)
		return SCP80_ERR_ARG;
	if (counter > top) {
		/* the window slides up: the old top becomes bit (shift - 1) */
		uint64_t shift = counter - top;
		uint64_t moved = 0;
		if (shift <= SCP80_ACK_WINDOW)
			moved = ((mask << shift) | (top != 0 ? UINT64_C(1) << (shift - 1) : 0)) & ACK_MASK;
		*next = counter << SCP80_ACK_WINDOW | moved;
		return SCP80_OK;
	}
	uint64_t back = top - counter; /* 0: the top itself */
	if (back == 0 || back > SCP80_ACK_WINDOW || (mask & (UINT64_C(1) << (back - 1))) != 0)
		return SCP80_ERR_COUNTER_LOW;
	*next = state | (UINT64_C(1) << (back - 1));
	return SCP80_OK;
}
