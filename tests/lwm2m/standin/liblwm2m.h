/*
 * standin/liblwm2m.h - NOT Wakaama's header. A stand-in that declares the
 * parts of Wakaama's public API (include/liblwm2m.h, LwM2M 1.1 client
 * mode) that bindings/wakaama/obj16_wakaama.c uses, with their upstream
 * types and signatures, so that tests/lwm2m/test_lwm2m_bindings can drive
 * the binding through Wakaama's own callback entry points without a
 * Wakaama tree. tests/lwm2m/fake_stacks.c implements the functions.
 */
#ifndef PF_STANDIN_LIBLWM2M_H
#define PF_STANDIN_LIBLWM2M_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LWM2M_MAX_ID ((uint16_t)0xFFFF)

#define COAP_NO_ERROR                   (uint8_t)0x00
#define COAP_204_CHANGED                (uint8_t)0x44
#define COAP_205_CONTENT                (uint8_t)0x45
#define COAP_400_BAD_REQUEST            (uint8_t)0x80
#define COAP_404_NOT_FOUND              (uint8_t)0x84
#define COAP_405_METHOD_NOT_ALLOWED     (uint8_t)0x85
#define COAP_406_NOT_ACCEPTABLE         (uint8_t)0x86
#define COAP_500_INTERNAL_SERVER_ERROR  (uint8_t)0xA0

typedef struct _lwm2m_context_ lwm2m_context_t;

typedef struct _lwm2m_list_t {
	struct _lwm2m_list_t *next;
	uint16_t id;
} lwm2m_list_t;

lwm2m_list_t *lwm2m_list_add(lwm2m_list_t *head, lwm2m_list_t *node);
void lwm2m_list_free(lwm2m_list_t *head);
#define LWM2M_LIST_ADD(H, N) lwm2m_list_add((lwm2m_list_t *)(H), (lwm2m_list_t *)(N))
#define LWM2M_LIST_FREE(H) lwm2m_list_free((lwm2m_list_t *)(H))

void *lwm2m_malloc(size_t s);
void lwm2m_free(void *p);

typedef struct {
	uint16_t objectId;
	uint16_t instanceId;
	uint16_t resourceId;
	uint16_t resourceInstanceId;
} lwm2m_uri_t;

typedef enum {
	LWM2M_TYPE_UNDEFINED = 0,
	LWM2M_TYPE_OBJECT,
	LWM2M_TYPE_OBJECT_INSTANCE,
	LWM2M_TYPE_MULTIPLE_RESOURCE,
	LWM2M_TYPE_STRING,
	LWM2M_TYPE_OPAQUE,
	LWM2M_TYPE_INTEGER,
	LWM2M_TYPE_UNSIGNED_INTEGER,
	LWM2M_TYPE_FLOAT,
	LWM2M_TYPE_BOOLEAN,
	LWM2M_TYPE_OBJECT_LINK,
	LWM2M_TYPE_CORE_LINK,
} lwm2m_data_type_t;

typedef struct _lwm2m_data_t lwm2m_data_t;
struct _lwm2m_data_t {
	lwm2m_data_type_t type;
	uint16_t id;
	union {
		bool asBoolean;
		int64_t asInteger;
		uint64_t asUnsigned;
		double asFloat;
		struct {
			size_t length;
			uint8_t *buffer;
		} asBuffer;
		struct {
			size_t count;
			lwm2m_data_t *array;
		} asChildren;
		struct {
			uint16_t objectId;
			uint16_t objectInstanceId;
		} asObjLink;
	} value;
};

lwm2m_data_t *lwm2m_data_new(int size);
void lwm2m_data_free(int size, lwm2m_data_t *dataP);
void lwm2m_data_encode_nstring(const char *string, size_t length, lwm2m_data_t *dataP);
void lwm2m_data_encode_opaque(const uint8_t *buffer, size_t length, lwm2m_data_t *dataP);
void lwm2m_data_encode_int(int64_t value, lwm2m_data_t *dataP);
void lwm2m_data_encode_instances(lwm2m_data_t *subDataP, size_t count, lwm2m_data_t *dataP);

typedef enum {
	LWM2M_WRITE_PARTIAL_UPDATE,
	LWM2M_WRITE_REPLACE_RESOURCES,
	LWM2M_WRITE_REPLACE_INSTANCE,
} lwm2m_write_type_t;

typedef struct _lwm2m_object_t lwm2m_object_t;
typedef uint8_t (*lwm2m_read_callback_t)(lwm2m_context_t *contextP, uint16_t instanceId, int *numDataP,
					 lwm2m_data_t **dataArrayP, lwm2m_object_t *objectP);
typedef uint8_t (*lwm2m_discover_callback_t)(lwm2m_context_t *contextP, uint16_t instanceId, int *numDataP,
					     lwm2m_data_t **dataArrayP, lwm2m_object_t *objectP);
typedef uint8_t (*lwm2m_write_callback_t)(lwm2m_context_t *contextP, uint16_t instanceId, int numData,
					  lwm2m_data_t *dataArray, lwm2m_object_t *objectP,
					  lwm2m_write_type_t writeType);
typedef uint8_t (*lwm2m_execute_callback_t)(lwm2m_context_t *contextP, uint16_t instanceId, uint16_t resourceId,
					    uint8_t *buffer, int length, lwm2m_object_t *objectP);
typedef uint8_t (*lwm2m_create_callback_t)(lwm2m_context_t *contextP, uint16_t instanceId, int numData,
					   lwm2m_data_t *dataArray, lwm2m_object_t *objectP);
typedef uint8_t (*lwm2m_delete_callback_t)(lwm2m_context_t *contextP, uint16_t instanceId,
					   lwm2m_object_t *objectP);

struct _lwm2m_object_t {
	struct _lwm2m_object_t *next;
	uint16_t objID;
	uint8_t versionMajor;
	uint8_t versionMinor;
	lwm2m_list_t *instanceList;
	lwm2m_read_callback_t readFunc;
	lwm2m_write_callback_t writeFunc;
	lwm2m_execute_callback_t executeFunc;
	lwm2m_create_callback_t createFunc;
	lwm2m_delete_callback_t deleteFunc;
	lwm2m_discover_callback_t discoverFunc;
	void *userData;
};

void lwm2m_resource_value_changed(lwm2m_context_t *contextP, lwm2m_uri_t *uriP);

#endif
