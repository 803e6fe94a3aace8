# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
#
# The bare veth: no tunnel at all, the traffic goes straight over the underlay. It is the
# ceiling every tunnel is compared against (round-trip time is reported relative to it).
#
# Every tunnels/*.sh exposes tunnel_KIND_up and tunnel_KIND_down. _up sets DST (the address
# in namespace B that A's traffic goes to), TUN_PIDS (the processes whose CPU time is counted;
# empty: none) and TUN_DESC (one line for the report); on failure it sets TUN_ERROR and
# returns non-zero. _down stops what _up started (the rig is torn down afterwards anyway).

tunnel_veth_up() {
    DST=$UNDER_B
    TUN_PIDS=()
    TUN_DESC="no tunnel: the veth pair itself (default offloads: TSO/GSO/GRO on)"
}

tunnel_veth_down() {
    :
}
