// SPDX-License-Identifier: BSD-3-Clause
#include <ogw/dev.h>

#include <climits>
#include <cstring>

extern "C" const char* ogw_strerror(int err) {
    if (err < 0) {
        if (err == INT_MIN) {
            return "unknown error";
        }
        err = -err;
    }
    switch (err) {
    case 0: return "success";
    case ENOTALLOC: return "flow not allocated";
    case EIPCPTYPE: return "unknown IPCP type";
    case EIRMD: return "ogwd unreachable";
    case EIPCP: return "IPCP failure";
    case EIPCPSTATE: return "IPCP in the wrong state";
    case EFLOWDOWN: return "flow down";
    case EFLOWPEER: return "flow peer gone";
    case ENAME: return "no such name";
    case ECRYPT: return "encryption failure";
    case EAUTH: return "authentication failure";
    default: break;
    }
    // strerrordesc_np returns static strings (strerror may format into a shared buffer).
    const char* text = ::strerrordesc_np(err);
    return text != nullptr ? text : "unknown error";
}
