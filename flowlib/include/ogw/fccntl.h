/* SPDX-License-Identifier: BSD-3-Clause */
/* Flow control commands and flags (upstream include/ouroboros/fccntl.h). The values are
 * upstream's; what ogw does with each is described in docs/flow-api.md. */
#ifndef OGW_FCCNTL_H
#define OGW_FCCNTL_H

#include <stdint.h>
#include <time.h>

/* Commands. */
#define FLOWSRCVTIMEO 00001 /* const struct timespec *: read timeout, NULL disables */
#define FLOWGRCVTIMEO 00002 /* struct timespec *: -EPERM if none is set */
#define FLOWSSNDTIMEO 00003 /* const struct timespec *: write timeout, NULL disables */
#define FLOWGSNDTIMEO 00004 /* struct timespec *: -EPERM if none is set */
#define FLOWGQOSSPEC  00005 /* qosspec_t * */
#define FLOWSFLAGS    00006 /* uint32_t */
#define FLOWGFLAGS    00007 /* uint32_t * */
#define FLOWGRXQLEN   00010 /* size_t *: bytes queued for reading (not packets) */
#define FLOWGTXQLEN   00011 /* size_t *: bytes of the send buffer in use (not packets) */
#define FRCTSFLAGS    01000 /* uint32_t: no FRCT in ogw, always -EPERM */
#define FRCTGFLAGS    02000 /* uint16_t *: always -EPERM */
/* ogw extension, not in upstream. */
#define FLOWGMAXSDU   00100 /* size_t *: the largest SDU flow_write accepts */

/* Flow flags. */
#define FLOWFRDONLY   00000000
#define FLOWFWRONLY   00000001
#define FLOWFRDWR     00000002
#define FLOWFACCMODE  00000003
#define FLOWFDOWN     00000004
#define FLOWFRNOBLOCK 00001000
#define FLOWFWNOBLOCK 00002000
#define FLOWFNONBLOCK (FLOWFRNOBLOCK | FLOWFWNOBLOCK)
#define FLOWFRNOPART  00010000
#define FLOWFWNOPART  00020000
#define FLOWFDEFAULT  (FLOWFRDWR | FLOWFWNOPART)
#define FLOWFINVALID  (FLOWFWRONLY | FLOWFRDWR)

/* FRCT flags. */
#define FRCTFRTX     00000001
#define FRCTFRESCNTL 00000002
#define FRCTFLINGER  00000004

#ifdef __cplusplus
extern "C" {
#endif

/* 0, or -EBADF, -ENOTALLOC, -EINVAL, -EPERM, -ENOTSUP. */
int fccntl(int fd, int cmd, ...);

#ifdef __cplusplus
}
#endif

#endif /* OGW_FCCNTL_H */
