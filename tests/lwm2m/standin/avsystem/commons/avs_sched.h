/*
 * standin/avsystem/commons/avs_sched.h - NOT avs_commons' header. The one
 * scheduler call obj16_anjay.c makes, AVS_SCHED_NOW(sched, out_handle,
 * clb, clb_data, clb_data_size), with upstream's callback type; the
 * stand-in queues the job for tests/lwm2m/fake_stacks.c to run.
 */
#ifndef PF_STANDIN_AVS_SCHED_H
#define PF_STANDIN_AVS_SCHED_H

#include <stddef.h>

typedef struct avs_sched_struct avs_sched_t;
typedef void avs_sched_clb_t(avs_sched_t *sched, const void *data);

int standin_sched_now(avs_sched_t *sched, void *out_handle, avs_sched_clb_t *clb, const void *clb_data,
		      size_t clb_data_size);
#define AVS_SCHED_NOW(Sched, OutHandle, Clb, ClbData, ClbDataSize) \
	standin_sched_now((Sched), (OutHandle), (Clb), (ClbData), (ClbDataSize))

#endif
