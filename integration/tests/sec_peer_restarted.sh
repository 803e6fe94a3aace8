#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# peer_restarted.sh over an encrypted flow: the restarted peer cannot authenticate anything for
# the flow it forgot, so its unknown-endpoint answer only makes A probe with a sealed
# keepalive; unanswered, the flow is peer_deallocated within the probe window (at most 1 s),
# not after the 120 s peer timeout.
#
# timeout: 60
export PEER_RESTART_SECURE=1
# shellcheck source-path=SCRIPTDIR source=peer_restarted.sh
source "$(dirname "$0")/peer_restarted.sh"
