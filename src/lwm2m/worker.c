/*
 * worker.c - asynchronous GetAuthData: one thread takes instances off a FIFO
 * and runs their job, so Execute can answer 2.04 at once while a real
 * secure element works (the TS's "polling AuthStatus or waiting for a
 * notification"). A secure element serves one command at a time, so one
 * thread is all the parallelism there is to have.
 */
#include "config.h"
#include "lwm2m/internal.h"

#include <stdlib.h>
#include <string.h>

#include "util/secure.h"

static void *worker_main(void *arg)
{
	pf_obj16 *obj = arg;
	pthread_mutex_lock(&obj->queue_lock);
	for (;;) {
		while (!obj->stopping && obj->q_len == 0)
			pthread_cond_wait(&obj->queue_cond, &obj->queue_lock);
		if (obj->q_len == 0)
			break; /* stopping and nothing left */
		pf_inst *in = obj->queue[obj->q_head];
		obj->q_head = (obj->q_head + 1) % obj->count;
		obj->q_len--;
		in->queued = 0;
		pthread_mutex_unlock(&obj->queue_lock);

		pthread_mutex_lock(&in->state_lock);
		int have = in->job_pending;
		pf_getauth_request req = in->job;
		uint64_t g = in->job_generation;
		in->job_pending = 0;
		in->job_running = have;
		pf_wipe(&in->job, sizeof(in->job));
		pthread_mutex_unlock(&in->state_lock);

		if (have)
			pf_getauth_run(obj, in, &req, g);
		pf_wipe(&req, sizeof(req));

		pthread_mutex_lock(&in->state_lock);
		in->job_running = 0;
		pthread_cond_broadcast(&in->idle_cond);
		pthread_mutex_unlock(&in->state_lock);

		pthread_mutex_lock(&obj->queue_lock);
	}
	pthread_mutex_unlock(&obj->queue_lock);
	return NULL;
}

int pf_worker_start(pf_obj16 *obj)
{
	obj->queue = calloc(obj->count ? obj->count : 1, sizeof(*obj->queue));
	if (obj->queue == NULL)
		return -1;
	if (pthread_create(&obj->worker, NULL, worker_main, obj) != 0)
		return -1;
	obj->worker_started = 1;
	return 0;
}

void pf_worker_stop(pf_obj16 *obj)
{
	if (!obj->worker_started)
		return;
	pthread_mutex_lock(&obj->queue_lock);
	obj->stopping = 1;
	pthread_cond_broadcast(&obj->queue_cond);
	pthread_mutex_unlock(&obj->queue_lock);
	pthread_join(obj->worker, NULL);
	obj->worker_started = 0;
}

void pf_worker_enqueue(pf_obj16 *obj, pf_inst *in)
{
	pthread_mutex_lock(&obj->queue_lock);
	/* Each instance appears at most once: the queue never exceeds count. */
	if (!in->queued) {
		obj->queue[(obj->q_head + obj->q_len) % obj->count] = in;
		obj->q_len++;
		in->queued = 1;
		pthread_cond_signal(&obj->queue_cond);
	}
	pthread_mutex_unlock(&obj->queue_lock);
}
