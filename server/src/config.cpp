#include "enumd/server/config.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <charconv>
#include <set>

#include "enumd/zones/rfc1035.hpp"
#include "enumd/zones/validate.hpp"
#include "enumd/zones/yaml_loader.hpp"

namespace enumd::server {

std::optional<Endpoint> parse_endpoint(const std::string& text) {
    Endpoint ep;
    std::string port;
    if (!text.empty() && text.front() == '[') {
        auto close = text.find(']');
        if (close == std::string::npos) return std::nullopt;
        ep.address = text.substr(1, close - 1);
        if (close + 1 < text.size()) {
            if (text[close + 1] != ':') return std::nullopt;
            port = text.substr(close + 2);
        }
    } else if (std::count(text.begin(), text.end(), ':') == 1) {
        auto colon = text.find(':');
        ep.address = text.substr(0, colon);
        port = text.substr(colon + 1);
    } else {
        ep.address = text;  // bare IPv4 or IPv6 address
    }
    if (!port.empty()) {
        unsigned v = 0;
        auto r = std::from_chars(port.data(), port.data() + port.size(), v);
        if (r.ec != std::errc{} || r.ptr != port.data() + port.size() || v == 0 || v > 65535) return std::nullopt;
        ep.port = static_cast<unsigned short>(v);
    }
    boost::system::error_code ec;
    boost::asio::ip::make_address(ep.address, ec);
    if (ec) return std::nullopt;
    return ep;
}

std::optional<ZoneSpec> parse_zone_spec(const std::string& text) {
    ZoneSpec z;
    auto eq = text.find('=');
    if (eq != std::string::npos) {
        auto n = dns::Name::from_text(text.substr(0, eq));
        if (!n) return std::nullopt;
        z.origin = *n;
        z.file = text.substr(eq + 1);
    } else {
        z.file = text;
    }
    if (z.file.empty()) return std::nullopt;
    return z;
}

namespace {

zones::SourceLoc loc_of(const std::string& file, const YAML::Node& n) {
    auto m = n.Mark();
    return {file, m.line + 1, m.column + 1};
}

struct Checker {
    const std::string& file;
    zones::Diagnostics& diags;

    void keys(const YAML::Node& map, std::initializer_list<const char*> allowed, const char* where) {
        if (!map.IsMap()) {
            diags.error(loc_of(file, map), std::string(where) + " must be a mapping");
            return;
        }
        std::set<std::string> ok(allowed.begin(), allowed.end());
        for (const auto& kv : map) {
            auto key = kv.first.as<std::string>();
            if (ok.count(key) == 0) {
                std::string list;
                for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
                diags.error(loc_of(file, kv.first), "unknown key '" + key + "' in " + where + " (known: " + list + ")");
            }
        }
    }
    std::optional<long long> integer(const YAML::Node& n, long long lo, long long hi, const char* what) {
        try {
            auto v = n.as<long long>();
            if (v < lo || v > hi) {
                diags.error(loc_of(file, n), std::string(what) + " must be between " + std::to_string(lo) + " and " +
                                                 std::to_string(hi));
                return std::nullopt;
            }
            return v;
        } catch (const YAML::Exception&) {
            diags.error(loc_of(file, n), std::string(what) + " must be an integer");
            return std::nullopt;
        }
    }
    std::optional<bool> boolean(const YAML::Node& n, const char* what) {
        try {
            return n.as<bool>();
        } catch (const YAML::Exception&) {
            diags.error(loc_of(file, n), std::string(what) + " must be true or false");
            return std::nullopt;
        }
    }
    std::optional<std::string> string(const YAML::Node& n, const char* what) {
        if (!n.IsScalar()) {
            diags.error(loc_of(file, n), std::string(what) + " must be a string");
            return std::nullopt;
        }
        return n.as<std::string>();
    }
};

}  // namespace

void load_config_file(const std::string& path, Config& cfg, zones::Diagnostics& diags) {
    YAML::Node root;
    try {
        root = YAML::LoadFile(path);
    } catch (const YAML::BadFile&) {
        diags.error({path, 0, 0}, "cannot read configuration file");
        return;
    } catch (const YAML::ParserException& e) {
        diags.error({path, e.mark.line + 1, e.mark.column + 1}, "YAML syntax: " + e.msg);
        return;
    }
    Checker c{path, diags};
    c.keys(root,
           {"listen", "threads", "database", "zones", "keys", "watch", "answer", "tcp", "statistics", "control", "logging", "acl", "recursion"},
           "the configuration");
    if (!root.IsMap()) return;
    if (auto n = root["keys"]) xfr::parse_keys(n, path, cfg.xfr, diags);  // before zones: they name keys
    if (auto n = root["listen"]) {
        // A single address or a list. (yaml-cpp Nodes are references: assigning
        // to a copy would overwrite the document, so collect into a vector.)
        std::vector<YAML::Node> list;
        if (n.IsSequence()) {
            for (const auto& item : n) list.push_back(item);
        } else {
            list.push_back(n);
        }
        cfg.server.listen.clear();
        for (const auto& item : list) {
            auto s = c.string(item, "listen address");
            if (!s) continue;
            auto ep = parse_endpoint(*s);
            if (!ep) {
                diags.error(loc_of(path, item), "'" + *s + "' is not an address[:port] (e.g. 127.0.0.1:53 or [::1]:53)");
                continue;
            }
            cfg.server.listen.push_back(*ep);
        }
    }
    if (auto n = root["threads"]) {
        if (auto v = c.integer(n, 0, 1024, "threads")) cfg.server.threads = static_cast<unsigned>(*v);
    }
    if (auto n = root["database"]) {
        if (auto s = c.string(n, "database")) cfg.database = *s;
    }
    if (auto n = root["watch"]) {
        if (auto b = c.boolean(n, "watch")) cfg.watch = *b;
    }
    if (auto n = root["control"]) {
        if (auto s = c.string(n, "control")) cfg.server.control_path = *s;
    }
    if (auto n = root["zones"]) {
        if (!n.IsSequence()) diags.error(loc_of(path, n), "zones must be a list");
        for (const auto& item : n) {
            ZoneSpec spec;
            if (item.IsScalar()) {
                spec.file = item.as<std::string>();
            } else if (item.IsMap() && item["primary"]) {
                xfr::parse_secondary(item, path, cfg.xfr, diags);  // enumd as a secondary (xfr.hpp)
                continue;
            } else {
                c.keys(item, {"file", "origin", "transfer", "notify"}, "a zone entry");
                if (!item.IsMap()) continue;
                if (!item["file"]) {
                    diags.error(loc_of(path, item), "a zone entry needs 'file'");
                    continue;
                }
                spec.file = item["file"].as<std::string>();
                if (auto o = item["origin"]) {
                    auto name = dns::Name::from_text(o.as<std::string>());
                    if (!name) {
                        diags.error(loc_of(path, o), "origin: " + name.error());
                        continue;
                    }
                    spec.origin = *name;
                }
            }
            // Relative zone paths are relative to the configuration file.
            if (!spec.file.empty() && spec.file.front() != '/') {
                auto slash = path.rfind('/');
                if (slash != std::string::npos) spec.file = path.substr(0, slash + 1) + spec.file;
            }
            if (item.IsMap() && (item["transfer"] || item["notify"]))
                xfr::parse_zone_policy(item, path, spec.file, spec.origin, cfg.xfr, diags);
            cfg.zones.push_back(spec);
        }
    }
    if (auto n = root["answer"]) {
        c.keys(n, {"naptr_additional", "edns_buffer", "max_cname_chain"}, "answer");
        if (n.IsMap()) {
            if (auto v = n["naptr_additional"]) {
                if (auto b = c.boolean(v, "naptr_additional")) cfg.server.answer.naptr_additional = *b;
            }
            if (auto v = n["edns_buffer"]) {
                if (auto i = c.integer(v, 512, 4096, "edns_buffer")) cfg.server.answer.edns_buffer = static_cast<std::uint16_t>(*i);
            }
            if (auto v = n["max_cname_chain"]) {
                if (auto i = c.integer(v, 1, 32, "max_cname_chain")) cfg.server.answer.max_cname_chain = static_cast<unsigned>(*i);
            }
        }
    }
    if (auto n = root["tcp"]) {
        c.keys(n, {"idle_timeout_ms", "max_connections", "max_per_client"}, "tcp");
        if (n.IsMap()) {
            if (auto v = n["idle_timeout_ms"]) {
                if (auto i = c.integer(v, 100, 600000, "idle_timeout_ms")) cfg.server.tcp.idle_timeout = std::chrono::milliseconds(*i);
            }
            if (auto v = n["max_connections"]) {
                if (auto i = c.integer(v, 1, 1000000, "max_connections")) cfg.server.tcp.max_connections = static_cast<unsigned>(*i);
            }
            if (auto v = n["max_per_client"]) {
                if (auto i = c.integer(v, 1, 100000, "max_per_client")) cfg.server.tcp.max_per_client = static_cast<unsigned>(*i);
            }
        }
    }
    if (auto n = root["statistics"]) {
        c.keys(n, {"listen"}, "statistics");
        if (n.IsMap() && n["listen"]) {
            if (auto s = c.string(n["listen"], "statistics listen")) {
                if (!parse_endpoint(*s)) diags.error(loc_of(path, n["listen"]), "'" + *s + "' is not an address:port");
                else cfg.server.stats_listen = *s;
            }
        }
    }
    if (auto n = root["acl"]) {
        c.keys(n, {"query"}, "acl");
        if (n.IsMap() && n["query"]) {
            if (!n["query"].IsSequence()) diags.error(loc_of(path, n["query"]), "acl query must be a list of address[/prefix]");
            for (const auto& item : n["query"]) {
                auto s = c.string(item, "acl entry");
                if (!s) continue;
                auto e = Acl::parse_entry(*s);
                if (!e) diags.error(loc_of(path, item), "'" + *s + "' is not an address[/prefix] such as 10.0.0.0/8 or ::1");
                else cfg.server.query_acl.add(*e);
            }
        }
    }
    if (auto n = root["recursion"]) {
        c.keys(n, {"enabled", "allow", "forwarders", "forward_zones", "stub_zones", "root_hints", "iteration_port",
                   "cache", "qname_minimisation", "timeout_ms", "total_time_ms", "max_cname_chain", "max_referrals",
                   "max_outstanding_per_client", "prefetch"},
               "recursion");
        if (n.IsMap()) {
            RecursorConfig& rc = cfg.server.recursion;
            rc.enabled = true;
            if (auto v = n["enabled"]) {
                if (auto b = c.boolean(v, "enabled")) rc.enabled = *b;
            }
            auto upstreams = [&](const YAML::Node& list, const char* what) {
                std::vector<Upstream> out;
                if (!list.IsSequence()) {
                    diags.error(loc_of(path, list), std::string(what) + " must be a list of address[:port]");
                    return out;
                }
                for (const auto& item : list) {
                    auto s = c.string(item, what);
                    if (!s) continue;
                    auto ep = parse_endpoint(*s);
                    if (!ep) diags.error(loc_of(path, item), "'" + *s + "' is not an address[:port]");
                    else out.push_back({ep->address, ep->port});
                }
                return out;
            };
            auto zone_list = [&](const YAML::Node& list, const char* what,
                                 std::vector<std::pair<dns::Name, std::vector<Upstream>>>& out) {
                if (!list.IsSequence()) {
                    diags.error(loc_of(path, list), std::string(what) + " must be a list of {zone, servers}");
                    return;
                }
                for (const auto& item : list) {
                    c.keys(item, {"zone", "servers"}, what);
                    if (!item.IsMap() || !item["zone"] || !item["servers"]) {
                        diags.error(loc_of(path, item), std::string(what) + " entries need 'zone' and 'servers'");
                        continue;
                    }
                    auto z = dns::Name::from_text(item["zone"].as<std::string>());
                    if (!z) {
                        diags.error(loc_of(path, item["zone"]), "zone: " + z.error());
                        continue;
                    }
                    out.emplace_back(*z, upstreams(item["servers"], "servers"));
                }
            };
            if (auto v = n["allow"]) {
                if (!v.IsSequence()) diags.error(loc_of(path, v), "recursion allow must be a list of address[/prefix]");
                for (const auto& item : v) {
                    auto s = c.string(item, "allow entry");
                    if (!s) continue;
                    auto e = Acl::parse_entry(*s);
                    if (!e) diags.error(loc_of(path, item), "'" + *s + "' is not an address[/prefix]");
                    else rc.allow.add(*e);
                }
            }
            if (auto v = n["forwarders"]) rc.forwarders = upstreams(v, "forwarders");
            if (auto v = n["forward_zones"]) zone_list(v, "forward_zones", rc.forward_zones);
            if (auto v = n["stub_zones"]) zone_list(v, "stub_zones", rc.stub_zones);
            if (auto v = n["root_hints"]) {
                if (auto s = c.string(v, "root_hints")) rc.root_hints = *s;
            }
            if (auto v = n["iteration_port"]) {
                if (auto i = c.integer(v, 1, 65535, "iteration_port")) rc.iteration_port = static_cast<unsigned short>(*i);
            }
            if (auto v = n["prefetch"]) {
                if (auto b = c.boolean(v, "prefetch")) rc.prefetch = *b;
            }
            if (auto v = n["qname_minimisation"]) {
                if (auto b = c.boolean(v, "qname_minimisation")) rc.qname_minimisation = *b;
            }
            if (auto v = n["timeout_ms"]) {
                if (auto i = c.integer(v, 10, 60000, "timeout_ms")) rc.timeout = std::chrono::milliseconds(*i);
            }
            if (auto v = n["total_time_ms"]) {
                if (auto i = c.integer(v, 100, 120000, "total_time_ms")) rc.total_time = std::chrono::milliseconds(*i);
            }
            if (auto v = n["max_cname_chain"]) {
                if (auto i = c.integer(v, 1, 64, "max_cname_chain")) rc.max_cname_chain = static_cast<unsigned>(*i);
            }
            if (auto v = n["max_referrals"]) {
                if (auto i = c.integer(v, 1, 100, "max_referrals")) rc.max_referrals = static_cast<unsigned>(*i);
            }
            if (auto v = n["max_outstanding_per_client"]) {
                if (auto i = c.integer(v, 1, 100000, "max_outstanding_per_client"))
                    rc.max_outstanding_per_client = static_cast<unsigned>(*i);
            }
            if (auto v = n["cache"]) {
                c.keys(v, {"max_entries", "max_ttl", "max_negative_ttl", "serve_stale", "stale_ttl", "max_stale"}, "cache");
                if (v.IsMap()) {
                    if (auto x = v["max_entries"]) {
                        if (auto i = c.integer(x, 0, 100000000, "max_entries")) rc.cache_max_entries = static_cast<std::size_t>(*i);
                    }
                    if (auto x = v["max_ttl"]) {
                        if (auto i = c.integer(x, 0, 604800, "max_ttl")) rc.max_ttl = static_cast<std::uint32_t>(*i);
                    }
                    if (auto x = v["max_negative_ttl"]) {
                        if (auto i = c.integer(x, 0, 86400, "max_negative_ttl")) rc.max_negative_ttl = static_cast<std::uint32_t>(*i);
                    }
                    if (auto x = v["serve_stale"]) {
                        if (auto b = c.boolean(x, "serve_stale")) rc.serve_stale = *b;
                    }
                    if (auto x = v["stale_ttl"]) {
                        if (auto i = c.integer(x, 1, 86400, "stale_ttl")) rc.stale_ttl = static_cast<std::uint32_t>(*i);
                    }
                    if (auto x = v["max_stale"]) {
                        if (auto i = c.integer(x, 0, 604800, "max_stale")) rc.max_stale = static_cast<std::uint32_t>(*i);
                    }
                }
            }
        }
    }
    if (auto n = root["logging"]) {
        c.keys(n, {"level", "format"}, "logging");
        if (n.IsMap()) {
            if (auto v = n["level"]) {
                auto s = v.as<std::string>();
                if (s != "debug" && s != "info" && s != "warn" && s != "error")
                    diags.error(loc_of(path, v), "logging level must be debug, info, warn or error");
                else cfg.log_level = s;
            }
            if (auto v = n["format"]) {
                auto s = v.as<std::string>();
                if (s != "text" && s != "json") diags.error(loc_of(path, v), "logging format must be text or json");
                else cfg.log_json = s == "json";
            }
        }
    }
}

std::vector<zones::Zone> load_zones(const std::vector<ZoneSpec>& specs, zones::Diagnostics& diags) {
    std::vector<zones::Zone> out;
    for (const auto& spec : specs) {
        std::vector<zones::Zone> got;
        if (zones::looks_like_rfc1035(spec.file)) {
            got = zones::load_rfc1035(spec.file, spec.origin, diags);
            for (const auto& z : got) zones::validate_zone(z, diags);
        } else {
            got = zones::load_zone_files({spec.file}, diags);
        }
        for (auto& z : got) out.push_back(std::move(z));
    }
    // Two files for one origin would silently replace each other.
    for (std::size_t i = 0; i < out.size(); ++i) {
        for (std::size_t j = i + 1; j < out.size(); ++j) {
            if (out[i].origin == out[j].origin)
                diags.error(out[j].loc, "zone " + out[j].origin.to_text() + " is already defined in " + out[i].loc.to_text());
        }
    }
    return out;
}

}  // namespace enumd::server
