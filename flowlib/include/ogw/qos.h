/* SPDX-License-Identifier: BSD-3-Clause */
/* Quality-of-service specifications and the standard cubes (as upstream include/ouroboros/qos.h).
 * Difference from upstream: timeout is 64-bit milliseconds (upstream: 32-bit). */
#ifndef OGW_QOS_H
#define OGW_QOS_H

#include <stdint.h>

#define DEFAULT_PEER_TIMEOUT 120000 /* ms */

typedef struct qos_spec {
    uint32_t delay;        /* in ms */
    uint64_t bandwidth;    /* in bits/s */
    uint8_t  availability; /* class of 9s */
    uint32_t loss;         /* packet loss */
    uint32_t ber;          /* bit error rate, errors per billion bits */
    uint8_t  in_order;     /* in-order delivery (enables reliable transfer upstream) */
    uint32_t max_gap;      /* in ms */
    uint64_t timeout;      /* peer timeout in ms, 0 = no liveness check */
} qosspec_t;

static const qosspec_t qos_raw = {
    UINT32_MAX, 0, 0, 1, 1, 0, UINT32_MAX, DEFAULT_PEER_TIMEOUT};

static const qosspec_t qos_raw_no_errors = {
    UINT32_MAX, 0, 0, 1, 0, 0, UINT32_MAX, DEFAULT_PEER_TIMEOUT};

static const qosspec_t qos_best_effort = {
    UINT32_MAX, 0, 0, 1, 0, 1, UINT32_MAX, DEFAULT_PEER_TIMEOUT};

static const qosspec_t qos_video = {
    100, UINT64_MAX, 3, 1, 0, 1, 100, DEFAULT_PEER_TIMEOUT};

static const qosspec_t qos_voice = {
    50, 100000, 5, 1, 0, 1, 50, DEFAULT_PEER_TIMEOUT};

static const qosspec_t qos_data = {
    1000, 0, 0, 0, 0, 1, 2000, DEFAULT_PEER_TIMEOUT};

#endif /* OGW_QOS_H */
