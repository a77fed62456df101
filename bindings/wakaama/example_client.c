/*
 * example_client.c - a minimal Wakaama LwM2M client whose Object 16 is
 * bindings/wakaama over libportfolio-lwm2m over a PKCS#11 module. Used to
 * check the binding end to end against Wakaama's own example server
 * (docs/lwm2m.md has the transcript).
 *
 * Not stand-alone: Objects 0, 1 and 3, which Wakaama requires, come from
 * the Wakaama tree's examples/lightclient (object_security.c,
 * object_server.c, object_device.c), linked outside this tree. Those
 * objects name "coap://localhost:5683"; this client sends to the -h/-p
 * address instead, over IPv4 UDP without DTLS (loopback test only).
 *
 *   portfolio-wakaama-client -m MODULE.so [-h 127.0.0.1] [-p 5683]
 *                            [-n ENDPOINT] [-t SECONDS]
 * The user PIN comes from $PORTFOLIO_PIN (never argv). Runs for -t seconds
 * (default 60), then deregisters and exits.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "obj16_wakaama.h"

/* From the Wakaama tree's examples/lightclient. */
lwm2m_object_t *get_security_object(void);
lwm2m_object_t *get_server_object(void);
lwm2m_object_t *get_object_device(void);

typedef struct client {
	int sock;
	struct sockaddr_in server;
	lwm2m_object_t *obj16;
} client;

/* ---- Wakaama's platform hooks -------------------------------------------- */

void *lwm2m_malloc(size_t s) { return malloc(s); }
void lwm2m_free(void *p) { free(p); }
char *lwm2m_strdup(const char *str) { return str == NULL ? NULL : strdup(str); }
int lwm2m_strncmp(const char *s1, const char *s2, size_t n) { return strncmp(s1, s2, n); }
int lwm2m_strcasecmp(const char *s1, const char *s2) { return strcasecmp(s1, s2); }

time_t lwm2m_gettime(void)
{
	struct timespec ts;
	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return -1;
	return ts.tv_sec;
}

int lwm2m_seed(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int)(ts.tv_nsec ^ getpid());
}

#ifdef LWM2M_WITH_LOGS
void lwm2m_printf(const char *format, ...)
{
	va_list ap;
	va_start(ap, format);
	vfprintf(stderr, format, ap);
	va_end(ap);
}
#endif

/* One server, one session: the session handle is the client itself. */
void *lwm2m_connect_server(uint16_t secObjInstID, void *userData)
{
	(void)secObjInstID;
	return userData;
}

void lwm2m_close_connection(void *sessionH, void *userData)
{
	(void)sessionH;
	(void)userData;
}

bool lwm2m_session_is_equal(void *session1, void *session2, void *userData)
{
	(void)userData;
	return session1 == session2;
}

uint8_t lwm2m_buffer_send(void *sessionH, uint8_t *buffer, size_t length, void *userData)
{
	client *c = sessionH;
	(void)userData;
	ssize_t n = sendto(c->sock, buffer, length, 0, (struct sockaddr *)&c->server, sizeof(c->server));
	if (n < 0 || (size_t)n != length)
		return COAP_500_INTERNAL_SERVER_ERROR;
	/* The datagram is out: if it carried armed AuthData, it is delivered. */
	pf_wakaama_message_sent(c->obj16, buffer, length);
	return COAP_NO_ERROR;
}

/* ---- the adapter's hooks --------------------------------------------------- */

static void on_log(void *ctx, pf_obj16_log_level level, const char *message)
{
	(void)ctx;
	static const char *const names[] = {"?", "error", "warning", "info", "debug"};
	fprintf(stderr, "[obj16 %s] %s\n", names[level <= 4 ? level : 0], message);
}

static int usage(const char *argv0)
{
	fprintf(stderr, "usage: %s -m MODULE.so [-h HOST] [-p PORT] [-n ENDPOINT] [-t SECONDS]\n", argv0);
	return 2;
}

/* Step the client and feed it the server's datagrams for the given seconds. */
static int run(client *c, lwm2m_context_t *ctx, int seconds)
{
	time_t end = lwm2m_gettime() + seconds;
	int rc = 0;
	while (lwm2m_gettime() < end) {
		time_t timeout = 1;
		pf_wakaama_flush(c->obj16);
		int step = lwm2m_step(ctx, &timeout);
		if (step != 0) {
			fprintf(stderr, "lwm2m_step: 0x%X\n", (unsigned)step);
			/* Registration failures retry on the next step. */
		}
		fd_set fds;
		FD_ZERO(&fds);
		FD_SET(c->sock, &fds);
		struct timeval tv = {timeout > 1 ? 1 : timeout, 0};
		int ready = select(c->sock + 1, &fds, NULL, NULL, &tv);
		if (ready < 0 && errno != EINTR) {
			perror("select");
			rc = 1;
			break;
		}
		if (ready > 0 && FD_ISSET(c->sock, &fds)) {
			uint8_t buf[2048];
			struct sockaddr_in from;
			socklen_t fromlen = sizeof(from);
			ssize_t n = recvfrom(c->sock, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fromlen);
			if (n > 0 && from.sin_addr.s_addr == c->server.sin_addr.s_addr && from.sin_port == c->server.sin_port)
				lwm2m_handle_packet(ctx, buf, (size_t)n, c);
		}
	}
	return rc;
}

int main(int argc, char **argv)
{
	const char *module = NULL, *host = "127.0.0.1", *endpoint = "portfolio-obj16";
	int port = 5683, seconds = 60, opt;
	while ((opt = getopt(argc, argv, "m:h:p:n:t:")) != -1) {
		switch (opt) {
		case 'm': module = optarg; break;
		case 'h': host = optarg; break;
		case 'p': port = atoi(optarg); break;
		case 'n': endpoint = optarg; break;
		case 't': seconds = atoi(optarg); break;
		default: return usage(argv[0]);
		}
	}
	if (module == NULL || port <= 0 || port > 65535 || seconds <= 0)
		return usage(argv[0]);

	client c;
	memset(&c, 0, sizeof(c));
	c.server.sin_family = AF_INET;
	c.server.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &c.server.sin_addr) != 1) {
		fprintf(stderr, "not an IPv4 address: %s\n", host);
		return 2;
	}
	c.sock = socket(AF_INET, SOCK_DGRAM, 0);
	if (c.sock < 0) {
		perror("socket");
		return 1;
	}

	/* Object 16: the binding's object over the adapter over the module. */
	void *handle = NULL;
	CK_FUNCTION_LIST_PTR p11 = pf_obj16_module_open(module, &handle);
	if (p11 == NULL) {
		fprintf(stderr, "cannot load %s\n", module);
		return 1;
	}
	c.obj16 = pf_wakaama_object_new();
	pf_obj16_config cfg;
	memset(&cfg, 0, sizeof(cfg));
	cfg.user_pin = getenv("PORTFOLIO_PIN");
	cfg.changed = pf_wakaama_changed;
	cfg.log = on_log;
	cfg.ctx = c.obj16;
	pf_obj16 *adapter = c.obj16 != NULL ? pf_obj16_new(p11, &cfg) : NULL;
	if (adapter == NULL || pf_wakaama_set_adapter(c.obj16, adapter) != 0) {
		fprintf(stderr, "Object 16 adapter setup failed\n");
		return 1;
	}

	lwm2m_object_t *objects[4] = {get_security_object(), get_server_object(), get_object_device(), c.obj16};
	lwm2m_context_t *ctx = lwm2m_init(&c);
	if (ctx == NULL || objects[0] == NULL || objects[1] == NULL || objects[2] == NULL ||
	    lwm2m_configure(ctx, endpoint, NULL, NULL, 4, objects) != 0) {
		fprintf(stderr, "Wakaama setup failed\n");
		return 1;
	}
	pf_wakaama_attach(c.obj16, ctx);
	fprintf(stderr, "client %s: Objects 0, 1, 3, 16 -> coap://%s:%d for %d s\n", endpoint, host, port, seconds);

	int rc = run(&c, ctx, seconds);
	/* lwm2m_close deregisters and frees the objects' instance lists only;
	 * the Object 16 adapter is ours to free. */
	lwm2m_close(ctx);
	pf_obj16_free(adapter);
	pf_wakaama_object_free(c.obj16);
	pf_obj16_module_close(handle);
	close(c.sock);
	return rc;
}
