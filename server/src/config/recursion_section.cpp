// `recursion:` — who may recurse, where to send names outside our zones, limits and cache (recursor.hpp).
#include "config/sections.hpp"

namespace enumd::server::config {
namespace {

std::vector<Upstream> upstreams(const YAML::Node& list, YamlChecker& c, const char* what) {
    std::vector<Upstream> out;
    if (!list.IsSequence()) {
        c.error(list, std::string(what) + " must be a list of address[:port]");
        return out;
    }
    for (const auto& item : list) {
        auto s = c.string(item, what);
        if (!s) continue;
        auto ep = parse_endpoint(*s);
        if (!ep) c.error(item, "'" + *s + "' is not an address[:port]");
        else out.push_back({ep->address, ep->port});
    }
    return out;
}

void zone_list(const YAML::Node& list, YamlChecker& c, const char* what,
               std::vector<std::pair<dns::Name, std::vector<Upstream>>>& out) {
    if (!list.IsSequence()) {
        c.error(list, std::string(what) + " must be a list of {zone, servers}");
        return;
    }
    for (const auto& item : list) {
        c.keys(item, {"zone", "servers"}, what);
        if (!item.IsMap() || !item["zone"] || !item["servers"]) {
            c.error(item, std::string(what) + " entries need 'zone' and 'servers'");
            continue;
        }
        auto z = dns::Name::from_text(item["zone"].as<std::string>());
        if (!z) {
            c.error(item["zone"], "zone: " + z.error());
            continue;
        }
        out.emplace_back(*z, upstreams(item["servers"], c, "servers"));
    }
}

void allow_list(const YAML::Node& v, YamlChecker& c, Acl& allow) {
    if (!v.IsSequence()) c.error(v, "recursion allow must be a list of address[/prefix]");
    for (const auto& item : v) {
        auto s = c.string(item, "allow entry");
        if (!s) continue;
        auto e = Acl::parse_entry(*s);
        if (!e) c.error(item, "'" + *s + "' is not an address[/prefix]");
        else allow.add(*e);
    }
}

void cache_section(const YAML::Node& v, YamlChecker& c, RecursorConfig& rc) {
    c.keys(v, {"max_entries", "max_bytes", "max_ttl", "max_negative_ttl", "serve_stale", "stale_ttl", "max_stale"},
           "cache");
    if (!v.IsMap()) return;
    c.set(v, "max_entries", 0, 100000000, rc.cache_max_entries);
    c.set(v, "max_bytes", 0, 1LL << 40, rc.cache_max_bytes);
    c.set(v, "max_ttl", 0, 604800, rc.max_ttl);
    c.set(v, "max_negative_ttl", 0, 86400, rc.max_negative_ttl);
    c.set(v, "serve_stale", rc.serve_stale);
    c.set(v, "stale_ttl", 1, 86400, rc.stale_ttl);
    c.set(v, "max_stale", 0, 604800, rc.max_stale);
}

}  // namespace

void recursion_section(const YAML::Node& n, YamlChecker& c, Config& cfg) {
    c.keys(n, {"enabled", "allow", "forwarders", "forward_zones", "stub_zones", "root_hints", "iteration_port",
               "cache", "qname_minimisation", "timeout_ms", "total_time_ms", "max_cname_chain", "max_referrals",
               "max_outstanding_per_client", "prefetch", "case_randomisation"},
           "recursion");
    if (!n.IsMap()) return;
    RecursorConfig& rc = cfg.server.recursion;
    rc.enabled = true;
    c.set(n, "enabled", rc.enabled);
    if (auto v = n["allow"]) {
        cfg.recursion_allow_given = true;  // `allow: []` means nobody, not the loopback default
        allow_list(v, c, rc.allow);
    }
    if (auto v = n["forwarders"]) rc.forwarders = upstreams(v, c, "forwarders");
    if (auto v = n["forward_zones"]) zone_list(v, c, "forward_zones", rc.forward_zones);
    if (auto v = n["stub_zones"]) zone_list(v, c, "stub_zones", rc.stub_zones);
    c.set(n, "root_hints", rc.root_hints);
    c.set(n, "iteration_port", 1, 65535, rc.iteration_port);
    c.set(n, "prefetch", rc.prefetch);
    c.set(n, "case_randomisation", rc.case_randomisation);
    c.set(n, "qname_minimisation", rc.qname_minimisation);
    c.set(n, "timeout_ms", 10, 60000, rc.timeout);
    c.set(n, "total_time_ms", 100, 120000, rc.total_time);
    c.set(n, "max_cname_chain", 1, 64, rc.max_cname_chain);
    c.set(n, "max_referrals", 1, 100, rc.max_referrals);
    c.set(n, "max_outstanding_per_client", 1, 100000, rc.max_outstanding_per_client);
    if (auto v = n["cache"]) cache_section(v, c, rc);
}

}  // namespace enumd::server::config
