/* SPDX-License-Identifier: BSD-3-Clause */
/* Flow error codes. Values match upstream Ouroboros (include/ouroboros/errno.h). */
#ifndef OGW_ERRNO_H
#define OGW_ERRNO_H

#include <errno.h>

#define ENOTALLOC  1000 /* flow not allocated */
#define EIPCPTYPE  1001 /* unknown IPCP type */
#define EIRMD      1002 /* the daemon (ogwd) is unreachable */
#define EIPCP      1003 /* IPCP failure */
#define EIPCPSTATE 1004 /* IPCP in the wrong state */
#define EFLOWDOWN  1005 /* flow is down (link down) */
#define EFLOWPEER  1006 /* flow's peer is gone (deallocated or timed out) */
#define ENAME      1007 /* no such name */
#define ECRYPT     1008 /* encryption failure */
#ifndef EAUTH
#define EAUTH      1009 /* authentication failure */
#endif

#endif /* OGW_ERRNO_H */
