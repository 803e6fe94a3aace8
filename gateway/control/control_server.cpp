// SPDX-License-Identifier: BSD-3-Clause
#include "control/control_server.hpp"

#include "control/views.hpp"

#include <flowlib/errno_text.hpp>
#include <flowlib/log.hpp>
#include <flowlib/qos_json.hpp>
#include <flowlib/version.hpp>

#include <grp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <filesystem>
#include <set>

namespace ogw::gw {
namespace {

constexpr std::size_t max_request = 64 * 1024;
constexpr std::size_t max_deferred = 64;
constexpr std::size_t max_backlog = 64;
constexpr std::uint64_t default_alloc_timeout_ms = 20'000;
constexpr int read_budget = 32;

std::string failure(const std::string& what, int err) {
    return what + ": " + flow::error_text(err);
}

// The supplementary groups of the process at the other end of a unix socket.
std::vector<gid_t> peer_groups(int fd) {
    std::vector<gid_t> groups(64);
    for (int attempt = 0; attempt < 2; ++attempt) {
        auto len = static_cast<socklen_t>(groups.size() * sizeof(gid_t));
        if (::getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups.data(), &len) == 0) {
            groups.resize(len / sizeof(gid_t));
            return groups;
        }
        if (errno != ERANGE) {
            break;
        }
        groups.resize(len / sizeof(gid_t) + 1);
    }
    return {};
}

// Mode 0660, owner root (or ogwd's user), group ogw when that group exists.
std::optional<gid_t> set_socket_group(const std::string& path) {
    const group* gr = ::getgrnam(std::string(control_group).c_str());
    if (gr == nullptr) {
        OGW_LOG(info, "control") << "no group '" << control_group << "': control socket " << path
                                 << " stays mode 0660 with group " << ::getegid()
                                 << " (ogwd's group); create group " << control_group
                                 << " to give operators access";
        return std::nullopt;
    }
    const gid_t gid = gr->gr_gid;
    if (::chown(path.c_str(), static_cast<uid_t>(-1), gid) != 0) {
        OGW_LOG(warn, "control") << "control socket " << path << ": chown to group "
                                 << control_group << " failed: " << std::strerror(errno)
                                 << "; it stays mode 0660 with group " << ::getegid();
        return gid;
    }
    OGW_LOG(info, "control") << "control socket " << path << ": mode 0660, group "
                             << control_group << " (" << gid << ")";
    return gid;
}

}  // namespace

// ------------------------------------------------------------------------ AppProcess

class ControlServer::AppProcess final : public NameServer {
public:
    AppProcess(ControlServer& server, pid_t pid) : server_(server), pid_(pid) {}
    ~AppProcess() override {
        for (const auto& name : names) {
            server_.node_.unregister_name(name, this);
        }
        for (const auto& w : waiters) {
            server_.loop_.cancel_timer(w.timer);
        }
        for (std::uint64_t id : std::deque<std::uint64_t>(backlog)) {
            if (NodeFlow* f = server_.node_.find(id)) {
                server_.node_.reject(*f, -ENAME);
            }
        }
    }

    struct Waiter {
        std::uint64_t connection;
        std::uint64_t request;
        TimerId timer = TimerId::none;
    };

    bool ready() const override { return !waiters.empty(); }

    int on_flow_request(NodeFlow& flow) override {
        while (!waiters.empty()) {
            const Waiter w = waiters.front();
            waiters.pop_front();
            server_.loop_.cancel_timer(w.timer);
            Connection* c = server_.find_connection(w.connection);
            if (c != nullptr && server_.hand_over(*c, w.request, flow, true)) {
                server_.finish_blocking(*c);
                return 0;
            }
        }
        if (backlog.size() >= max_backlog) {
            return -EAGAIN;
        }
        backlog.push_back(flow.id);
        return ipcp::accept_later;
    }

    void on_request_gone(NodeFlow& flow) override {
        backlog.erase(std::remove(backlog.begin(), backlog.end(), flow.id), backlog.end());
    }

    void drop_waiters_of(std::uint64_t connection) {
        for (auto it = waiters.begin(); it != waiters.end();) {
            if (it->connection == connection) {
                server_.loop_.cancel_timer(it->timer);
                it = waiters.erase(it);
            } else {
                ++it;
            }
        }
    }

    pid_t pid() const { return pid_; }
    int connections = 0;
    std::set<std::string> names;
    std::deque<Waiter> waiters;
    std::deque<std::uint64_t> backlog;

private:
    ControlServer& server_;
    pid_t pid_;
};

// ------------------------------------------------------------------------ setup

Result<std::unique_ptr<ControlServer>> ControlServer::create(Node& node, EventLoop& loop,
                                                           const std::string& path) {
    std::error_code ec;
    const auto dir = std::filesystem::path(path).parent_path();
    if (!dir.empty()) {
        std::filesystem::create_directories(dir, ec);
        if (ec) {
            return unexpected(Error{ec, "create directory " + dir.string()});
        }
    }
    auto listener = listen_unix(path, 0660);
    if (!listener) {
        return unexpected(listener.error());
    }
    std::unique_ptr<ControlServer> server(
        new ControlServer(node, loop, path, std::move(*listener)));
    server->ogw_gid_ = set_socket_group(path);
    if (auto r = loop.add(server->listener_.get(), EPOLLIN,
                          [s = server.get()](std::uint32_t) { s->on_listener(); });
        !r) {
        return unexpected(r.error());
    }
    loop.add_before_wait([s = server.get()] { s->reap(); });
    return server;
}

ControlServer::ControlServer(Node& node, EventLoop& loop, std::string path, UniqueFd listener)
    : node_(node), loop_(loop), path_(std::move(path)), listener_(std::move(listener)) {}

ControlServer::~ControlServer() {
    (void)loop_.remove(listener_.get());
    for (auto& [id, c] : connections_) {
        (void)loop_.remove(c->fd());
    }
    app_flows_.clear();
    processes_.clear();
    ::unlink(path_.c_str());
}

ControlServer::AppProcess& ControlServer::process_for(pid_t pid) {
    auto& p = processes_[pid];
    if (!p) {
        p = std::make_unique<AppProcess>(*this, pid);
    }
    return *p;
}

Connection* ControlServer::find_connection(std::uint64_t id) {
    const auto it = connections_.find(id);
    return it == connections_.end() ? nullptr : it->second.get();
}

void ControlServer::on_listener() {
    for (int i = 0; i < read_budget; ++i) {
        auto fd = accept_unix(listener_.get());
        if (!fd) {
            return;  // EAGAIN or a transient error
        }
        auto cred = peer_credentials(fd->get());
        if (!cred) {
            continue;
        }
        const std::uint64_t id = next_connection_++;
        auto conn = std::make_unique<Connection>(id, std::move(*fd), *cred);
        conn->groups = peer_groups(conn->fd());
        const int raw = conn->fd();
        if (!loop_.add(raw, EPOLLIN | EPOLLRDHUP,
                       [this, id](std::uint32_t ev) { on_connection(id, ev); })) {
            continue;
        }
        process_for(cred->pid).connections++;
        connections_.emplace(id, std::move(conn));
    }
}

void ControlServer::on_connection(std::uint64_t id, std::uint32_t events) {
    Connection* c = find_connection(id);
    if (c == nullptr) {
        return;
    }
    if ((events & EPOLLOUT) != 0 && !c->flush()) {
        close_connection(id);
        return;
    }
    if ((events & EPOLLIN) != 0) {
        std::vector<std::byte> buf(max_request);
        for (int i = 0; i < read_budget; ++i) {
            auto msg = recv_with_fds(c->fd(), buf, 0);
            if (!msg) {
                const int err = msg.error().code.value();
                if (err == EAGAIN || err == EWOULDBLOCK) {
                    break;
                }
                if (err == EMSGSIZE) {
                    c->reply_error(0, -EMSGSIZE, "request larger than 64 KiB");
                    continue;
                }
                close_connection(id);
                return;
            }
            if (msg->size == 0 && (events & (EPOLLHUP | EPOLLRDHUP)) != 0) {
                close_connection(id);
                return;
            }
            auto req = json::parse(
                {reinterpret_cast<const char*>(buf.data()), msg->size});
            if (!req || !req->is_object()) {
                c->reply_error(0, -EINVAL,
                               req ? "request: expected a JSON object" : req.error().where);
                continue;
            }
            handle(*c, *req);
            c = find_connection(id);
            if (c == nullptr) {
                return;
            }
        }
    } else if ((events & (EPOLLHUP | EPOLLRDHUP | EPOLLERR)) != 0) {
        close_connection(id);
        return;
    }
    if (!c->flush()) {
        close_connection(id);
        return;
    }
    (void)loop_.modify(c->fd(), EPOLLIN | EPOLLRDHUP | (c->wants_write() ? EPOLLOUT : 0U));
}

void ControlServer::close_connection(std::uint64_t id) {
    const auto it = connections_.find(id);
    if (it == connections_.end()) {
        return;
    }
    std::unique_ptr<Connection> c = std::move(it->second);
    connections_.erase(it);
    (void)loop_.remove(c->fd());
    if (c->pending_alloc != 0) {
        node_.dealloc(c->pending_alloc);  // cancels the allocation
    }
    const auto p = processes_.find(c->pid());
    if (p != processes_.end()) {
        p->second->drop_waiters_of(id);
        if (--p->second->connections <= 0) {
            processes_.erase(p);  // its names are no longer served
        }
    }
    dead_connections_.push_back(std::move(c));  // freed before the next wait
}

void ControlServer::reap() {
    for (std::uint64_t id : dead_flows_) {
        app_flows_.erase(id);
    }
    dead_flows_.clear();
    dead_connections_.clear();
}

// ------------------------------------------------------------------------ requests

void ControlServer::handle(Connection& c, const json::Value& req) {
    const auto request = req.get_uint("id").value_or(0);
    const auto v = req.get_int("v");
    if (!v || *v != control_protocol_version) {
        c.reply_error(request, -EPROTO,
                      "control protocol version " +
                          (v ? std::to_string(*v) : std::string("(missing)")) +
                          " not supported; ogwd speaks " +
                          std::to_string(control_protocol_version));
        return;
    }
    const auto op = req.get_string("op");
    if (!op) {
        c.reply_error(request, -EINVAL, "op: missing or not a string");
        return;
    }
    if (c.busy) {
        if (c.deferred.size() >= max_deferred) {
            c.reply_error(request, -EBUSY, "too many requests behind a blocking one");
            return;
        }
        c.deferred.push_back(req);
        return;
    }
    dispatch(c, request, std::string(*op), req);
}

void ControlServer::finish_blocking(Connection& c) {
    c.busy = false;
    c.pending_alloc = 0;
    while (!c.busy && !c.deferred.empty()) {
        const json::Value req = std::move(c.deferred.front());
        c.deferred.pop_front();
        handle(c, req);
    }
}

void ControlServer::dispatch(Connection& c, std::uint64_t request, const std::string& op,
                             const json::Value& req) {
    if (changes_state(op) &&
        !may_change_state(c.uid(), c.gid(), c.groups, ControlAccess{::geteuid(), ogw_gid_})) {
        OGW_LOG(warn, "control") << op << " refused: uid " << c.uid() << " (pid " << c.pid()
                                 << ") is not root, ogwd's user or in group " << control_group;
        c.reply_error(request, -EPERM,
                      op + ": permission denied (needs uid 0, ogwd's user or group " +
                          std::string(control_group) + ")");
        return;
    }
    if (op == "hello") {
        c.reply_ok(request, json::Object{{"daemon", "ogwd"},
                                         {"version", ogw::version},
                                         {"protocol", control_protocol_version},
                                         {"node", node_.name()},
                                         {"pid", ::getpid()}});
    } else if (op == "register" || op == "unregister") {
        op_register(c, request, req, op == "register");
    } else if (op == "flow_alloc") {
        op_flow_alloc(c, request, req);
    } else if (op == "flow_accept") {
        op_flow_accept(c, request, req);
    } else if (op == "status") {
        op_status(c, request);
    } else if (op == "ipcps") {
        json::Array items;
        for (const auto& ipcp : node_.ipcps()) {
            items.push_back(ipcp_view(*ipcp, ipcp->engine().flow_count()));
        }
        c.reply_list(request, "ipcps", std::move(items));
    } else if (op == "flows") {
        op_flows(c, request, req);
    } else if (op == "flow_show") {
        op_flow_show(c, request, req);
    } else if (op == "flow_dealloc") {
        op_flow_dealloc(c, request, req);
    } else if (const auto it = extra_ops_.find(op); it != extra_ops_.end()) {
        it->second(c, request, req);
    } else {
        c.reply_error(request, -EOPNOTSUPP, "unknown op '" + op + "'");
    }
}

void ControlServer::op_register(Connection& c, std::uint64_t request, const json::Value& req,
                                bool add) {
    const auto name = req.get_string("name");
    if (!name || name->empty() || name->size() > 255) {
        c.reply_error(request, -EINVAL, "name: expected a string of 1 to 255 bytes");
        return;
    }
    AppProcess& p = process_for(c.pid());
    const std::string n(*name);
    if (add) {
        if (p.names.count(n) != 0) {
            c.reply_error(request, -EEXIST, "'" + n + "' is already registered");
            return;
        }
        if (auto r = node_.register_name(n, &p); !r) {
            c.reply_error(request, -EEXIST, r.error().message());
            return;
        }
        p.names.insert(n);
    } else {
        if (p.names.erase(n) == 0) {
            c.reply_error(request, -ENAME, "'" + n + "' is not registered by this process");
            return;
        }
        node_.unregister_name(n, &p);
    }
    c.reply_ok(request, json::Object{});
}

void ControlServer::op_flow_alloc(Connection& c, std::uint64_t request, const json::Value& req) {
    const auto name = req.get_string("name");
    if (!name || name->empty() || name->size() > 255) {
        c.reply_error(request, -EINVAL, "name: expected a string of 1 to 255 bytes");
        return;
    }
    qosspec_t qos = qos_raw;
    if (const json::Value* q = req.find("qos"); q != nullptr) {
        auto parsed = flow::qos_from_json(*q);
        if (!parsed) {
            c.reply_error(request, -EINVAL, parsed.error().where);
            return;
        }
        qos = *parsed;
    }
    const auto timeout = req.get_uint("timeout_ms").value_or(default_alloc_timeout_ms);
    c.busy = true;
    c.busy_request = request;
    const std::uint64_t conn = c.id();
    const std::string dst(*name);
    const std::uint64_t id = node_.alloc(
        dst, qos, from_ms(timeout), nullptr, c.pid(),
        [this, conn, request, dst](int err, NodeFlow* flow) {
            Connection* client = find_connection(conn);
            if (client == nullptr) {
                if (flow != nullptr) {
                    node_.dealloc(flow->id);
                }
                return;
            }
            if (err != 0) {
                client->reply_error(request, err, failure("allocation to '" + dst + "'", err));
            } else {
                hand_over(*client, request, *flow, false);
            }
            finish_blocking(*client);
        });
    if (c.busy && c.busy_request == request) {
        c.pending_alloc = id;
    }
}

void ControlServer::op_flow_accept(Connection& c, std::uint64_t request, const json::Value& req) {
    AppProcess& p = process_for(c.pid());
    if (p.names.empty()) {
        c.reply_error(request, -ENAME, "this process serves no name: register one first");
        return;
    }
    while (!p.backlog.empty()) {
        const std::uint64_t id = p.backlog.front();
        p.backlog.pop_front();
        NodeFlow* flow = node_.find(id);
        if (flow != nullptr && flow->state() == flow::FlowState::accept_pending &&
            hand_over(c, request, *flow, true)) {
            return;
        }
    }
    c.busy = true;
    c.busy_request = request;
    AppProcess::Waiter w{c.id(), request};
    if (const auto timeout = req.get_uint("timeout_ms")) {
        const std::uint64_t conn = c.id();
        const pid_t pid = c.pid();
        w.timer = loop_.add_timer(loop_.now() + from_ms(*timeout), [this, conn, request, pid] {
            const auto proc = processes_.find(pid);
            if (proc != processes_.end()) {
                auto& ws = proc->second->waiters;
                ws.erase(std::remove_if(ws.begin(), ws.end(),
                                        [&](const AppProcess::Waiter& x) {
                                            return x.connection == conn && x.request == request;
                                        }),
                         ws.end());
            }
            if (Connection* client = find_connection(conn)) {
                client->reply_error(request, -ETIMEDOUT, "no flow arrived in time");
                finish_blocking(*client);
            }
        });
    }
    p.waiters.push_back(w);
}

bool ControlServer::hand_over(Connection& c, std::uint64_t request, NodeFlow& flow,
                              bool accept) {
    auto made = AppFlow::create(node_, loop_, flow,
                                [this](std::uint64_t id) { dead_flows_.push_back(id); });
    if (!made) {
        const std::string text = failure("flow socket", -made.error().code.value());
        if (accept) {
            node_.reject(flow, -ENOMEM);
        } else {
            node_.dealloc(flow.id);
        }
        c.reply_error(request, -made.error().code.value(), text);
        return false;
    }
    auto [bridge, app_end] = std::move(*made);
    if (accept) {
        node_.accept(flow, bridge.get(), c.pid());
    } else {
        flow.owner_pid = c.pid();
        flow.gateway_owned = false;
    }
    const auto* rec = flow.record();
    json::Value result = json::Object{
        {"flow_id", flow.id},
        {"qos", flow::qos_to_json(rec != nullptr ? rec->fsm.qos() : qos_raw)},
        {"max_sdu", flow.ipcp->engine().max_sdu()},
        {"ipcp", flow.ipcp->name()},
        {"name", accept ? flow.local_name : flow.remote_name},
    };
    if (accept) {
        result["remote_node"] = flow.remote_name;
    }
    app_flows_[flow.id] = std::move(bridge);
    c.reply_ok(request, std::move(result), std::move(app_end));
    return true;
}

// ------------------------------------------------------------------------ operator ops

void ControlServer::op_status(Connection& c, std::uint64_t request) {
    c.reply_ok(request, json::Object{
                            {"node", node_.name()},
                            {"version", ogw::version},
                            {"pid", ::getpid()},
                            {"uptime_ms", to_ms(node_.now() - node_.started())},
                            {"ipcps", node_.ipcps().size()},
                            {"flows", node_.flow_count()},
                            {"names", node_.served_names()},
                            {"connections", connections_.size()},
                            {"socket", path_},
                        });
}

void ControlServer::op_flows(Connection& c, std::uint64_t request, const json::Value& req) {
    const auto ipcp = req.get_string("ipcp");
    const auto peer = req.get_string("peer");
    const auto state = req.get_string("state");
    if (state && !flow::flow_state_from_string(*state)) {
        c.reply_error(request, -EINVAL, "state: unknown state '" + std::string(*state) + "'");
        return;
    }
    json::Array items;
    const Instant now = node_.now();
    node_.for_each_flow([&](const NodeFlow& f) {
        if ((ipcp && (f.ipcp == nullptr || f.ipcp->name() != *ipcp)) || (peer && f.remote_name != *peer) ||
            (state && flow::to_string(f.state()) != *state)) {
            return;
        }
        items.push_back(flow_view(f, now));
    });
    c.reply_list(request, "flows", std::move(items));
}

void ControlServer::op_flow_show(Connection& c, std::uint64_t request, const json::Value& req) {
    const auto id = req.get_uint("flow_id");
    NodeFlow* flow = id ? node_.find(*id) : nullptr;
    if (flow == nullptr) {
        c.reply_error(request, -ENOENT, "no flow with id " + (id ? std::to_string(*id) : "?"));
        return;
    }
    c.reply_ok(request, json::Object{{"flow", flow_view(*flow, node_.now(), true)}});
}

void ControlServer::op_flow_dealloc(Connection& c, std::uint64_t request,
                                    const json::Value& req) {
    const auto id = req.get_uint("flow_id");
    NodeFlow* flow = id ? node_.find(*id) : nullptr;
    if (flow == nullptr) {
        c.reply_error(request, -ENOENT, "no flow with id " + (id ? std::to_string(*id) : "?"));
        return;
    }
    OGW_LOG(info, "control") << "flow " << *id << " deallocated by request (pid " << c.pid()
                             << ")";
    node_.dealloc(*id, flow::DeallocReason::closed);
    c.reply_ok(request, json::Object{});
}

}  // namespace ogw::gw
