#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# gw_mapping.sh with the gateways on the Ethernet shim (AF_PACKET on the underlay veth) instead of UDP.
#
# timeout: 120
export GW_UNDERLAY=eth
# shellcheck source-path=SCRIPTDIR source=gw_mapping.sh
source "$(dirname "$0")/gw_mapping.sh"
