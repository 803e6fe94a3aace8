#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# gw_tcp_close.sh with the gateways on the Ethernet shim (AF_PACKET on the underlay veth) instead of UDP.
#
# timeout: 90
export GW_UNDERLAY=eth
# shellcheck source-path=SCRIPTDIR source=gw_tcp_close.sh
source "$(dirname "$0")/gw_tcp_close.sh"
