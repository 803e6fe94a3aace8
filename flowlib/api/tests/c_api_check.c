/* SPDX-License-Identifier: BSD-3-Clause */
/* Compiled as C11: the public C headers are valid C and the API links from C. */
#include <ogw/dev.h>
#include <ogw/errno.h>
#include <ogw/fccntl.h>
#include <ogw/fqueue.h>
#include <ogw/qos.h>

#include <stddef.h>

int c_api_alloc(const char * name, int timeout_ms);
int c_api_fccntl_flags(int fd, uint32_t * flags);
int c_api_fset_roundtrip(int fd);

int c_api_alloc(const char * name, int timeout_ms)
{
    qosspec_t qs = qos_raw;
    struct timespec timeo = {timeout_ms / 1000, (long) (timeout_ms % 1000) * 1000000L};

    /* Every cube is usable from C. */
    (void) qos_raw_no_errors;
    (void) qos_best_effort;
    (void) qos_video;
    (void) qos_voice;
    (void) qos_data;

    return flow_alloc(name, &qs, &timeo);
}

int c_api_fccntl_flags(int fd, uint32_t * flags)
{
    int rc = fccntl(fd, FLOWSFLAGS, (uint32_t) (FLOWFRNOBLOCK | FLOWFRDWR | FLOWFRNOPART));
    if (rc < 0) {
        return rc;
    }
    return fccntl(fd, FLOWGFLAGS, flags);
}

int c_api_fset_roundtrip(int fd)
{
    fset_t *   set = fset_create();
    fqueue_t * fq  = fqueue_create();
    int        rc  = -ENOMEM;
    struct timespec zero = {0, 0};

    if (set != NULL && fq != NULL) {
        rc = fset_add(set, fd);
        if (rc == 0) {
            rc = fset_has(set, fd) ? fevent(set, fq, &zero) : -EINVAL;
        }
    }
    fqueue_destroy(fq);
    fset_destroy(set);
    return rc;
}
