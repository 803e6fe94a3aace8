// SPDX-License-Identifier: BSD-3-Clause
#include "queries.hpp"

#include "fields.hpp"

#include <algorithm>
#include <set>

namespace ogw::cli {
namespace {

void add_filter(json::Value& args, const char* key, const std::string& value) {
    if (!value.empty()) {
        args[key] = value;
    }
}

// The array under `key` of a list op's result.
json::Value list_of(json::Value& result, std::string_view key) {
    json::Value* list = result.find(key);
    return list != nullptr && list->is_array() ? std::move(*list) : json::Value(json::Array{});
}

// The daemon lists sessions in no particular order; tables and watch frames keep theirs.
void sort_by_id(json::Value& list) {
    json::Array items = items_of(list);
    std::stable_sort(items.begin(), items.end(), [](const json::Value& a, const json::Value& b) {
        return a.get_uint("id").value_or(0) < b.get_uint("id").value_or(0);
    });
    list = std::move(items);
}

}  // namespace

bool fetch_flows(ControlClient& client, const Filters& filters, json::Value& out,
                 RequestError& err) {
    json::Value args = json::Object{};
    add_filter(args, "ipcp", filters.ipcp);
    add_filter(args, "peer", filters.peer);
    add_filter(args, "state", filters.state);
    json::Value result;
    if (!client.request("flows", std::move(args), result, err)) {
        return false;
    }
    out = list_of(result, "flows");
    return true;
}

bool fetch_sessions(ControlClient& client, const Filters& filters, json::Value& out,
                    RequestError& err) {
    json::Value args = json::Object{};
    add_filter(args, "peer", filters.peer);
    add_filter(args, "state", filters.state);
    add_filter(args, "proto", filters.proto);
    json::Value result;
    if (!client.request("sessions", std::move(args), result, err)) {
        return false;
    }
    out = list_of(result, "sessions");
    sort_by_id(out);
    if (filters.ipcp.empty()) {
        return true;
    }
    json::Value flows;
    Filters by_ipcp;
    by_ipcp.ipcp = filters.ipcp;
    if (!fetch_flows(client, by_ipcp, flows, err)) {
        return false;
    }
    out = sessions_on_flows(out, flows);
    return true;
}

json::Array sessions_on_flows(const json::Value& sessions, const json::Value& flows) {
    std::set<std::uint64_t> ids;
    for (const auto& f : items_of(flows)) {
        if (const auto id = f.get_uint("id")) {
            ids.insert(*id);
        }
    }
    json::Array kept;
    for (const auto& s : items_of(sessions)) {
        const auto flow = s.get_uint("flow_id");
        if (flow && ids.count(*flow) != 0) {
            kept.push_back(s);
        }
    }
    return kept;
}

}  // namespace ogw::cli
