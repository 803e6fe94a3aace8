#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# gw_traffic.sh with the gateways on the Ethernet shim (AF_PACKET on the underlay veth) instead of UDP.
#
# timeout: 240
# run-serial: true
export GW_UNDERLAY=eth
# shellcheck source-path=SCRIPTDIR source=gw_traffic.sh
source "$(dirname "$0")/gw_traffic.sh"
