/* SPDX-License-Identifier: BSD-3-Clause */
/* The application flow API (upstream include/ouroboros/dev.h). Differences from upstream are
 * listed in docs/flow-api.md. Every call returns a negative errno on failure, never exits. */
#ifndef OGW_DEV_H
#define OGW_DEV_H

#include <ogw/errno.h>
#include <ogw/qos.h>

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Allocates a flow to dst_name. qs == NULL means qos_raw; on success *qs holds the granted
 * qos. timeo == NULL means 20 s (then -ETIMEDOUT). Returns the flow descriptor, a file
 * descriptor that poll()/epoll report readable when flow_read has something to return. */
int flow_alloc(const char * dst_name, qosspec_t * qs, const struct timespec * timeo);

/* Waits for a flow to any name this process registered. On success *qs (if not NULL) holds
 * the requester's qos. timeo == NULL waits forever. */
int flow_accept(qosspec_t * qs, const struct timespec * timeo);

/* Broadcast layers do not exist in ogw: always -ENOTSUP. */
int flow_join(const char * bc_layer, const struct timespec * timeo);

/* Releases the flow at once; the peer is told. -EBADF / -ENOTALLOC for unknown fds. */
int flow_dealloc(int fd);

/* Sends one SDU of count bytes (0 is a valid, empty SDU). Returns count. */
ssize_t flow_write(int fd, const void * buf, size_t count);

/* Reads (part of) one SDU, upstream partial-read semantics (see docs/flow-api.md). */
ssize_t flow_read(int fd, void * buf, size_t count);

/* Upstream binds names to programs with the irm tool; in ogw a process serves a name by
 * registering it with the local ogwd. The registration lasts until ogw_unregister or until
 * the process exits; it is not restored if ogwd restarts. 0, -EINVAL, -EEXIST or -EIRMD. */
int ogw_register(const char * name);
int ogw_unregister(const char * name);

/* A static description of an errno value, negative or positive: the ogw flow errors of
 * <ogw/errno.h> ("flow peer gone", ...) and the system's errors. Never NULL. */
const char * ogw_strerror(int err);

#ifdef __cplusplus
}
#endif

#endif /* OGW_DEV_H */
