/* SPDX-License-Identifier: BSD-3-Clause */
/* Flow event sets and queues (upstream include/ouroboros/fqueue.h). */
#ifndef OGW_FQUEUE_H
#define OGW_FQUEUE_H

#include <stdbool.h>
#include <time.h>

enum fqtype {
    FLOW_PKT     = (1 << 0),
    FLOW_DOWN    = (1 << 1),
    FLOW_UP      = (1 << 2),
    FLOW_ALLOC   = (1 << 3),
    FLOW_DEALLOC = (1 << 4),
    FLOW_PEER    = (1 << 5)
};

struct flow_set;
struct fqueue;
typedef struct flow_set fset_t;
typedef struct fqueue   fqueue_t;

#ifdef __cplusplus
extern "C" {
#endif

fset_t * fset_create(void);
void     fset_destroy(fset_t * set);
void     fset_zero(fset_t * set);
int      fset_add(fset_t * set, int fd);
bool     fset_has(const fset_t * set, int fd);
void     fset_del(fset_t * set, int fd);

fqueue_t * fqueue_create(void);
void       fqueue_destroy(fqueue_t * fq);
int        fqueue_next(fqueue_t * fq);
int        fqueue_type(fqueue_t * fq);

/* Returns 1 when events are queued, -ETIMEDOUT, or another negative errno. */
int fevent(fset_t * set, fqueue_t * fq, const struct timespec * timeo);

#ifdef __cplusplus
}
#endif

#endif /* OGW_FQUEUE_H */
