// SPDX-License-Identifier: BSD-3-Clause
#include "node/node.hpp"

#include <flowlib/log.hpp>
#include <ogw/errno.h>

#include <algorithm>
#include <cstring>

namespace ogw::gw {

using flow::FlowState;

class Node::IpcpUser final : public ipcp::EngineUser {
public:
    explicit IpcpUser(Node& node) : node_(node) {}
    void attach(ipcp::Ipcp* ipcp) { ipcp_ = ipcp; }

    int on_flow_request(ipcp::Eid eid, const ipcp::NameHash& name, const qosspec_t&,
                        const ipcp::PeerAddress&) override {
        return ipcp_ == nullptr ? -EIPCPSTATE : node_.on_flow_request(*ipcp_, eid, name);
    }
    void on_flow_state(ipcp::Eid eid, std::uint64_t tag, FlowState from, FlowState to,
                       int alloc_result) override {
        if (ipcp_ != nullptr) {
            node_.on_flow_state(*ipcp_, eid, tag, from, to, alloc_result);
        }
    }
    void on_data(ipcp::Eid, std::uint64_t tag, std::span<std::byte> sdu) override {
        node_.on_data(tag, sdu);
    }
    bool serves(const ipcp::NameHash& name) const override {
        return node_.names_.contains(name);
    }

private:
    Node& node_;
    ipcp::Ipcp* ipcp_ = nullptr;
};

Node::Node(std::string name, EventLoop& loop)
    : name_(std::move(name)), loop_(loop), started_(loop.now()) {
    loop_.add_before_wait([this] { reap(); });
}

Node::~Node() = default;

ipcp::EngineUser& Node::new_ipcp_user() {
    users_.push_back(std::make_unique<IpcpUser>(*this));
    return *users_.back();
}

Result<void> Node::add_ipcp(ipcp::EngineUser& user, std::unique_ptr<ipcp::Ipcp> ipcp) {
    auto it = std::find_if(users_.begin(), users_.end(),
                           [&](const auto& u) { return u.get() == &user; });
    if (it == users_.end()) {
        return unexpected(Error{make_error_code(errc::bad_state), "add_ipcp: unknown user"});
    }
    if (auto r = ipcp->start(loop_); !r) {
        return r;
    }
    (*it)->attach(ipcp.get());
    ipcps_.push_back(std::move(ipcp));
    return {};
}

NodeFlow& Node::new_flow(ipcp::Ipcp* ipcp) {
    const std::uint64_t id = next_flow_id_++;
    NodeFlow& ref = flows_.try_emplace(id).first->second;  // in the map node: one allocation
    ref.id = id;
    ref.ipcp = ipcp;
    return ref;
}

NodeFlow* Node::find(std::uint64_t flow_id) {
    const auto it = flows_.find(flow_id);
    return it == flows_.end() || it->second.closed ? nullptr : &it->second;
}

std::size_t Node::flow_count() const {
    return static_cast<std::size_t>(std::count_if(
        flows_.begin(), flows_.end(), [](const auto& kv) { return !kv.second.closed; }));
}

// -------------------------------------------------------------------------------- allocation

std::uint64_t Node::alloc(const std::string& dst_name, const qosspec_t& qos, Duration timeout,
                          FlowOwner* owner, pid_t owner_pid, AllocDone done,
                          std::span<const std::byte> first_sdu) {
    NodeFlow& flow = new_flow(nullptr);  // resolving: no IPCP yet
    flow.remote_name = dst_name;
    flow.alloc_request = std::make_unique<AllocRequest>(
        AllocRequest{qos, {first_sdu.begin(), first_sdu.end()}});
    flow.owner = owner;
    flow.owner_pid = owner_pid;
    flow.gateway_owned = owner_pid == 0;
    flow.note_state(now(), FlowState::alloc_pending);
    const std::uint64_t id = flow.id;
    pending_allocs_.emplace(id, std::move(done));
    resolve_from(id, 0, qos, timeout);
    NodeFlow* f = find(id);
    return f != nullptr ? id : 0;
}

// Asks the IPCPs in configuration order, from `first_ipcp` on, for the flow's remote name.
void Node::resolve_from(std::uint64_t id, std::size_t first_ipcp, const qosspec_t& qos,
                        Duration timeout) {
    NodeFlow* flow = find(id);
    if (flow == nullptr) {
        return;  // cancelled while resolving
    }
    if (first_ipcp >= ipcps_.size()) {
        OGW_LOG(info, "node") << "allocation to '" << flow->remote_name
                              << "' failed: no IPCP knows the name";
        fail_alloc(*flow, -ENAME);
        return;
    }
    ipcp::Ipcp& ipcp = *ipcps_[first_ipcp];
    const std::string name = flow->remote_name;
    ipcp.resolve(now(), name, [this, id, first_ipcp, qos, timeout,
                               &ipcp](std::optional<ipcp::PeerAddress> to) {
        NodeFlow* f = find(id);
        if (f == nullptr) {
            return;
        }
        if (!to) {
            resolve_from(id, first_ipcp + 1, qos, timeout);
            return;
        }
        start_alloc(*f, ipcp, *to, qos, timeout);
    });
}

void Node::start_alloc(NodeFlow& flow, ipcp::Ipcp& ipcp, const ipcp::PeerAddress& to,
                       const qosspec_t& qos, Duration timeout) {
    flow.ipcp = &ipcp;
    std::vector<std::byte> first;  // rides on the request; else sent once allocated
    auto& held = flow.alloc_request->first_sdu;
    if (held.size() <= ipcp.engine().max_piggyback()) {
        first = std::move(held);
        held = {};
    }
    auto eid = ipcp.engine().alloc(now(), ipcp::NameHash::of(flow.remote_name), qos, to,
                                   timeout, flow.id, first);
    if (!eid) {
        flow.ipcp = nullptr;
        // -EAUTH: no peer-key for the destination under encryption = required.
        const int err = eid.error().code.category() == std::system_category()
                            ? eid.error().code.value()
                            : 0;
        fail_alloc(flow, err == EAUTH || err == EMSGSIZE ? -err : -ENOMEM);
        return;
    }
    flow.eid = *eid;
    OGW_LOG(debug, "node") << "flow " << flow.id << ": allocating to " << flow.remote_name
                           << " via " << ipcp.name();
}

void Node::fail_alloc(NodeFlow& flow, int error) {
    auto it = pending_allocs_.find(flow.id);
    AllocDone done = it != pending_allocs_.end() ? std::move(it->second) : AllocDone{};
    pending_allocs_.erase(flow.id);
    close_flow(flow);
    if (done) {
        done(error, nullptr);
    }
}

int Node::on_flow_request(ipcp::Ipcp& ipcp, ipcp::Eid eid, const ipcp::NameHash& hash) {
    const auto it = names_.find(hash);
    if (it == names_.end() || it->second.servers.empty()) {
        OGW_LOG_RATELIMITED(info, "node") << "refused a flow for an unserved name (hash "
                                          << hash.hex().substr(0, 16) << "…)";
        return -ENAME;
    }
    NodeFlow& flow = new_flow(&ipcp);
    flow.eid = eid;
    flow.local_name = it->second.name;
    if (const auto* rec = ipcp.engine().find(eid); rec != nullptr && rec->request) {
        flow.remote_name = rec->request->remote_name;
    }
    flow.note_state(now(), FlowState::accept_pending);
    ipcp.engine().set_tag(eid, flow.id);
    NameServer* server = pick_server(it->second);
    const std::uint64_t id = flow.id;
    const int verdict = server->on_flow_request(flow);
    if (verdict == ipcp::accept_later) {
        waiting_accepts_[id] = server;
        loop_.add_timer(now() + accept_wait, [this, id] {
            NodeFlow* f = find(id);
            if (f != nullptr && waiting_accepts_.count(id) != 0 &&
                f->state() == FlowState::accept_pending) {
                OGW_LOG(info, "node") << "flow " << id << " to " << f->local_name
                                      << " not accepted in time: refused";
                reject(*f, -ETIMEDOUT);
            }
        });
    } else if (verdict < 0) {
        close_flow(flow);
    }
    return verdict;
}

NameServer* Node::pick_server(Served& served) {
    for (std::size_t i = 0; i < served.servers.size(); ++i) {
        NameServer* s = served.servers[(served.next + i) % served.servers.size()];
        if (s->ready()) {
            served.next = (served.next + i + 1) % served.servers.size();
            return s;
        }
    }
    return served.servers[served.next++ % served.servers.size()];
}

void Node::accept(NodeFlow& flow, FlowOwner* owner, pid_t owner_pid) {
    waiting_accepts_.erase(flow.id);
    flow.owner = owner;
    flow.owner_pid = owner_pid;
    flow.gateway_owned = owner_pid == 0;
    flow.ipcp->engine().accept(now(), flow.eid, flow.id);
}

void Node::reject(NodeFlow& flow, int error) {
    const auto it = waiting_accepts_.find(flow.id);
    NameServer* server = it != waiting_accepts_.end() ? it->second : nullptr;
    waiting_accepts_.erase(flow.id);
    flow.ipcp->engine().reject(now(), flow.eid, error);
    if (server != nullptr) {
        server->on_request_gone(flow);
    }
}

void Node::dealloc(std::uint64_t flow_id, flow::DeallocReason reason) {
    NodeFlow* flow = find(flow_id);
    if (flow == nullptr) {
        return;
    }
    if (flow->ipcp == nullptr || flow->eid == ipcp::no_eid) {
        fail_alloc(*flow, -ECANCELED);  // still resolving the name
        return;
    }
    flow->ipcp->engine().dealloc(now(), flow->eid, reason);
}

void Node::forget_owner(std::uint64_t flow_id) {
    const auto it = flows_.find(flow_id);
    if (it != flows_.end()) {
        it->second.owner = nullptr;
    }
}

int Node::send_slot(NodeFlow& flow, std::size_t sdu_size) {
    const std::size_t hdr = header_size(flow);
    const std::size_t trailer = flow.ipcp->engine().data_trailer_size();  // sealed: the tag
    const auto frame = flow.ipcp->tx_slot().first(hdr + sdu_size + trailer);
    // One clock read per wakeup, not per packet: the keepalive clock needs no better.
    const auto dest = flow.ipcp->engine().prepare_data(loop_.wake_time(), flow.eid, frame);
    if (dest.error != 0) {
        return dest.error;
    }
    flow.ipcp->queue_tx(*dest.to, dest.size);
    return 0;
}

int Node::send(NodeFlow& flow, std::span<const std::byte> sdu) {
    const std::size_t hdr = header_size(flow);
    const auto slot = flow.ipcp->tx_slot();
    if (sdu.size() + hdr + flow.ipcp->engine().data_trailer_size() > slot.size()) {
        return -EMSGSIZE;
    }
    if (sdu.data() != slot.data() + hdr) {
        std::memcpy(slot.data() + hdr, sdu.data(), sdu.size());
    }
    return send_slot(flow, sdu.size());
}

// -------------------------------------------------------------------------------- upcalls

void Node::on_flow_state(ipcp::Ipcp&, ipcp::Eid, std::uint64_t id, FlowState from,
                         FlowState to, int alloc_result) {
    const auto it = flows_.find(id);
    if (it == flows_.end() || it->second.closed) {
        return;
    }
    NodeFlow& flow = it->second;
    flow.note_state(now(), to);
    OGW_LOG(debug, "node") << "flow " << id << ": " << flow::to_string(from) << " -> "
                           << flow::to_string(to);

    if (from == FlowState::alloc_pending) {
        auto pending = pending_allocs_.find(id);
        if (pending != pending_allocs_.end()) {
            AllocDone done = std::move(pending->second);
            pending_allocs_.erase(pending);
            if (to == FlowState::allocated) {
                const std::unique_ptr<AllocRequest> request = std::move(flow.alloc_request);
                if (request && !request->first_sdu.empty()) {
                    (void)send(flow, request->first_sdu);
                }
                done(0, &flow);
                return;
            }
            const int err = alloc_result != 0 ? alloc_result : -EIPCP;
            OGW_LOG(info, "node") << "allocation to '" << flow.remote_name
                                  << "' failed: " << err;
            pending_allocs_[id] = std::move(done);
            fail_alloc(flow, err);
            return;
        }
    }
    if (from == FlowState::accept_pending && to == FlowState::closed) {
        const auto waiting = waiting_accepts_.find(id);
        if (waiting != waiting_accepts_.end()) {
            NameServer* server = waiting->second;
            waiting_accepts_.erase(waiting);
            server->on_request_gone(flow);
        }
    }
    if (flow.owner != nullptr) {
        flow.owner->on_flow_state(flow, from, to);
    }
    if (to == FlowState::closed) {
        close_flow(flow);
    }
}

void Node::on_data(std::uint64_t id, std::span<std::byte> sdu) {
    const auto it = flows_.find(id);
    if (it != flows_.end() && !it->second.closed && it->second.owner != nullptr) {
        it->second.owner->on_flow_data(it->second, sdu);
    }
}

void Node::close_flow(NodeFlow& flow) {
    if (!flow.closed) {
        flow.closed = true;
        graveyard_.push_back(flow.id);
    }
}

void Node::reap() {
    for (std::uint64_t id : graveyard_) {
        pending_allocs_.erase(id);
        waiting_accepts_.erase(id);
        flows_.erase(id);
    }
    graveyard_.clear();
}

// -------------------------------------------------------------------------------- names

Result<void> Node::register_name(const std::string& name, NameServer* server) {
    Served& served = names_[ipcp::NameHash::of(name)];
    served.name = name;
    if (std::find(served.servers.begin(), served.servers.end(), server) !=
        served.servers.end()) {
        return unexpected(Error::from_errno(EEXIST, "register " + name));
    }
    served.servers.push_back(server);
    OGW_LOG(info, "node") << "serving '" << name << "'";
    return {};
}

void Node::unregister_name(const std::string& name, NameServer* server) {
    const auto it = names_.find(ipcp::NameHash::of(name));
    if (it == names_.end()) {
        return;
    }
    auto& servers = it->second.servers;
    servers.erase(std::remove(servers.begin(), servers.end(), server), servers.end());
    if (servers.empty()) {
        names_.erase(it);
        OGW_LOG(info, "node") << "no longer serving '" << name << "'";
    }
}

void Node::shutdown() {
    std::vector<std::uint64_t> resolving;
    for (auto& [id, flow] : flows_) {
        if (!flow.closed && flow.ipcp == nullptr) {
            resolving.push_back(id);
        }
    }
    for (std::uint64_t id : resolving) {
        dealloc(id);
    }
    for (auto& ipcp : ipcps_) {
        ipcp->engine().dealloc_all(now(), flow::DeallocReason::shutdown);
        ipcp->flush();
    }
}

}  // namespace ogw::gw
