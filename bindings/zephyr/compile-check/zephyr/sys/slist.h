/*
 * compile-check/zephyr/sys/slist.h - NOT Zephyr's header. A stand-in with
 * only the parts of Zephyr's singly linked list (include/zephyr/sys/slist.h)
 * that obj16_zephyr.c uses, with the same names and meaning: a list is a
 * head and a tail, a node holds the next node.
 */
#ifndef PF_ZEPHYR_SLIST_COMPILE_CHECK_H
#define PF_ZEPHYR_SLIST_COMPILE_CHECK_H

#include <stddef.h>

typedef struct _snode {
	struct _snode *next;
} sys_snode_t;

typedef struct _slist {
	sys_snode_t *head;
	sys_snode_t *tail;
} sys_slist_t;

static inline sys_snode_t *sys_slist_peek_head(sys_slist_t *list) { return list->head; }
static inline sys_snode_t *sys_slist_peek_next(sys_snode_t *node) { return node != NULL ? node->next : NULL; }

#endif
