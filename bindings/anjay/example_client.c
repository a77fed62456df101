/*
 * example_client.c - a minimal Anjay 3 client (Objects 0, 1 and 16) for the
 * by-hand run of docs/lwm2m.md: the binding over libportfolio-lwm2m over a
 * PKCS#11 module. Built outside this tree against an Anjay build (README);
 * nothing here builds Anjay. */
#include <anjay/anjay.h>
#include <anjay/security.h>
#include <anjay/server.h>
#include <avsystem/commons/avs_log.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "obj16_anjay.h"
#include <openssl/crypto.h>

/* Anjay built without a DTLS backend still names this avs_crypto helper. */
void avs_crypto_clear_buffer(void *buf, size_t size);
void avs_crypto_clear_buffer(void *buf, size_t size) { OPENSSL_cleanse(buf, size); }

static void on_log(void *ctx, pf_obj16_log_level level, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "[obj16 %d] %s\n", (int)level, msg);
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: %s MODULE coap://HOST:PORT SECONDS\n", argv[0]);
		return 2;
	}
	avs_log_set_default_level(AVS_LOG_WARNING);
	const anjay_configuration_t cfg = {.endpoint_name = "portfolio-anjay", .in_buffer_size = 4000,
					   .out_buffer_size = 4000, .msg_cache_size = 4000};
	anjay_t *anjay = anjay_new(&cfg);
	if (anjay == NULL || anjay_security_object_install(anjay) || anjay_server_object_install(anjay))
		return 1;
	anjay_security_instance_t sec = {.ssid = 1, .server_uri = argv[2], .security_mode = ANJAY_SECURITY_NOSEC};
	anjay_iid_t sec_iid = ANJAY_ID_INVALID;
	anjay_server_instance_t srv = {.ssid = 1, .lifetime = 300, .default_min_period = -1,
				       .default_max_period = -1, .disable_timeout = -1, .binding = "U"};
	anjay_iid_t srv_iid = ANJAY_ID_INVALID;
	if (anjay_security_object_add_instance(anjay, &sec, &sec_iid) ||
	    anjay_server_object_add_instance(anjay, &srv, &srv_iid))
		return 1;
	void *handle = NULL;
	CK_FUNCTION_LIST_PTR module = pf_obj16_module_open(argv[1], &handle);
	pf_anjay_obj16 *obj = pf_anjay_obj16_new(anjay);
	pf_obj16_config config = {.user_pin = getenv("PORTFOLIO_PIN"), .changed = pf_anjay_obj16_changed,
				  .ctx = obj, .log = on_log};
	pf_obj16 *adapter = module ? pf_obj16_new(module, &config) : NULL;
	if (adapter == NULL)
		return 1;
	pf_anjay_obj16_set_adapter(obj, adapter);
	if (anjay_register_object(anjay, pf_anjay_obj16_def(obj)))
		return 1;
	time_t end = time(NULL) + atoi(argv[3]);
	while (time(NULL) < end) {
		AVS_LIST(avs_net_socket_t *const) sockets = anjay_get_sockets(anjay);
		struct pollfd fds[4];
		size_t n = 0;
		AVS_LIST(avs_net_socket_t *const) it;
		AVS_LIST_FOREACH(it, sockets) {
			if (n < 4) {
				fds[n].fd = *(const int *)avs_net_socket_get_system(*it);
				fds[n].events = POLLIN;
				fds[n].revents = 0;
				n++;
			}
		}
		int wait = anjay_sched_calculate_wait_time_ms(anjay, 200);
		if (poll(fds, n, wait) > 0) {
			size_t i = 0;
			AVS_LIST_FOREACH(it, sockets) {
				if (i < n && (fds[i].revents & POLLIN))
					anjay_serve(anjay, *it);
				i++;
			}
		}
		pf_anjay_obj16_flush(obj);
		anjay_sched_run(anjay);
	}
	anjay_unregister_object(anjay, pf_anjay_obj16_def(obj));
	anjay_delete(anjay);
	pf_anjay_obj16_free(obj);
	pf_obj16_free(adapter);
	pf_obj16_module_close(handle);
	return 0;
}
