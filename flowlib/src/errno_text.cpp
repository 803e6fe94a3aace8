// SPDX-License-Identifier: BSD-3-Clause
#include <flowlib/errno_text.hpp>

#include <ogw/errno.h>

#include <cstring>

namespace ogw::flow {

std::string error_text(int negative_errno) {
    const int e = negative_errno < 0 ? -negative_errno : negative_errno;
    switch (e) {
    case ENOTALLOC: return "flow not allocated (ENOTALLOC)";
    case EIPCPTYPE: return "unknown IPCP type (EIPCPTYPE)";
    case EIRMD: return "ogwd unreachable (EIRMD)";
    case EIPCP: return "IPCP failure (EIPCP)";
    case EIPCPSTATE: return "IPCP in the wrong state (EIPCPSTATE)";
    case EFLOWDOWN: return "flow down (EFLOWDOWN)";
    case EFLOWPEER: return "flow peer gone (EFLOWPEER)";
    case ENAME: return "no such name (ENAME)";
    case ECRYPT: return "encryption failure (ECRYPT)";
    case 1009: return "authentication failure (EAUTH)";
    default: break;
    }
    char buf[128];
    // GNU strerror_r returns the text, possibly not in buf.
    return ::strerror_r(e, buf, sizeof buf);
}

}  // namespace ogw::flow
