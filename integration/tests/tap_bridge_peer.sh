#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# tap_bridge.sh with flow-mapping = peer: every frame to a peer, sessions included, rides on
# the one bridge link per peer gateway; killing a peer still flushes its MACs and resets the
# TCP sessions that rode on its link.
#
# timeout: 150
export TAP_FLOW_MAPPING=peer
# shellcheck source-path=SCRIPTDIR source=tap_bridge.sh
source "$(dirname "$0")/tap_bridge.sh"
