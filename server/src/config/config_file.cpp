// `--config enumd.yaml` (config.hpp): one parser per top-level key, run in the order of kSections.
#include "config/sections.hpp"

#include <array>
#include <cctype>
#include "enumd/server/config.hpp"

namespace enumd::server {

namespace config {

void listen_section(const YAML::Node& n, YamlChecker& c, Config& cfg) {
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
        if (!ep) c.error(item, "'" + *s + "' is not an address[:port] (e.g. 127.0.0.1:53 or [::1]:53)");
        else cfg.server.listen.push_back(*ep);
    }
}

void answer_section(const YAML::Node& n, YamlChecker& c, Config& cfg) {
    c.keys(n, {"naptr_additional", "edns_buffer", "max_cname_chain"}, "answer");
    if (!n.IsMap()) return;
    c.set(n, "naptr_additional", cfg.server.answer.naptr_additional);
    c.set(n, "edns_buffer", 512, 4096, cfg.server.answer.edns_buffer);
    c.set(n, "max_cname_chain", 1, 32, cfg.server.answer.max_cname_chain);
}

void tcp_section(const YAML::Node& n, YamlChecker& c, Config& cfg) {
    c.keys(n, {"idle_timeout_ms", "max_connections", "max_per_client"}, "tcp");
    if (!n.IsMap()) return;
    c.set(n, "idle_timeout_ms", 100, 600000, cfg.server.tcp.idle_timeout);
    c.set(n, "max_connections", 1, 1000000, cfg.server.tcp.max_connections);
    c.set(n, "max_per_client", 1, 100000, cfg.server.tcp.max_per_client);
}

// `udp: {receive_buffer: BYTES}` — SO_RCVBUF of the UDP sockets (0 = the system's default).
void udp_section(const YAML::Node& n, YamlChecker& c, Config& cfg) {
    c.keys(n, {"receive_buffer"}, "udp");
    if (!n.IsMap()) return;
    if (auto v = n["receive_buffer"]) {
        if (auto b = c.integer(v, 0, 1LL << 30, "udp receive_buffer")) {
            if (*b != 0 && *b < 4096) c.error(v, "udp receive_buffer must be 0 (the system's default) or at least 4096");
            else cfg.server.udp_receive_buffer = static_cast<int>(*b);
        }
    }
}

void statistics_section(const YAML::Node& n, YamlChecker& c, Config& cfg) {
    c.keys(n, {"listen"}, "statistics");
    if (!n.IsMap() || !n["listen"]) return;
    if (auto s = c.string(n["listen"], "statistics listen")) {
        if (!parse_endpoint(*s)) c.error(n["listen"], "'" + *s + "' is not an address:port");
        else cfg.server.stats_listen = *s;
    }
}

Acl address_list(const YAML::Node& v, YamlChecker& c, const std::string& what) {
    if (!v.IsSequence()) c.error(v, what + " must be a list of address[/prefix]");
    Acl list;  // exactly the entries given: `[]` allows nobody
    for (const auto& item : v) {
        auto s = c.string(item, "address");
        if (!s) continue;
        auto e = Acl::parse_entry(*s);
        if (!e) c.error(item, "'" + *s + "' is not an address[/prefix] such as 10.0.0.0/8 or ::1");
        else list.add(*e);
    }
    return list;
}

void acl_section(const YAML::Node& n, YamlChecker& c, Config& cfg) {
    c.keys(n, {"query"}, "acl");
    if (!n.IsMap() || !n["query"]) return;
    cfg.server.query_acl = address_list(n["query"], c, "acl query");
}

// `rate_limit:` — response rate limiting of UDP answers (rate_limit.hpp, server/README.md).
void rate_limit_section(const YAML::Node& n, YamlChecker& c, Config& cfg) {
    c.keys(n, {"mode", "responses_per_second", "slip", "ipv4_prefix", "ipv6_prefix", "table_size", "exempt"},
           "rate_limit");
    if (!n.IsMap()) return;
    RrlConfig& r = cfg.server.rate_limit;
    if (auto v = n["mode"]) {
        auto s = c.string(v, "mode");
        if (s && *s == "auto") r.mode = RrlConfig::Mode::Auto;
        else if (s && *s == "on") r.mode = RrlConfig::Mode::On;
        else if (s && *s == "off") r.mode = RrlConfig::Mode::Off;
        else if (s) c.error(v, "rate_limit mode must be auto (on for listeners other than loopback), on or off");
    }
    c.set(n, "responses_per_second", 1, 1000000, r.responses_per_second);
    c.set(n, "slip", 0, 10, r.slip);
    c.set(n, "ipv4_prefix", 8, 32, r.ipv4_prefix);
    c.set(n, "ipv6_prefix", 16, 128, r.ipv6_prefix);
    c.set(n, "table_size", 1024, 1LL << 26, r.table_size);
    if (auto v = n["exempt"]) r.exempt = address_list(v, c, "rate_limit exempt");
}

// `client_subnet:` — EDNS Client Subnet (RFC 7871) from the resolvers listed (views by client network).
void client_subnet_section(const YAML::Node& n, YamlChecker& c, Config& cfg) {
    c.keys(n, {"trust"}, "client_subnet");
    if (!n.IsMap()) return;
    if (auto v = n["trust"]) cfg.server.client_subnet_trust = address_list(v, c, "client_subnet trust");
    else c.error(n, "client_subnet needs 'trust': the resolvers whose client subnets choose views ([] for none)");
}

// `cookies:` — DNS cookies (RFC 7873, server cookies of RFC 9018).
void cookies_section(const YAML::Node& n, YamlChecker& c, Config& cfg) {
    c.keys(n, {"enabled", "secret"}, "cookies");
    if (!n.IsMap()) return;
    CookieConfig& k = cfg.server.cookies;
    c.set(n, "enabled", k.enabled);
    if (auto v = n["secret"]) {
        auto s = c.string(v, "secret");
        std::array<std::uint8_t, 16> secret{};
        bool ok = s && s->size() == 32;
        for (std::size_t i = 0; ok && i < 16; ++i) {
            auto hexval = [](char ch) { return std::isxdigit(static_cast<unsigned char>(ch)) != 0; };
            ok = hexval((*s)[2 * i]) && hexval((*s)[2 * i + 1]);
            if (ok) secret[i] = static_cast<std::uint8_t>(std::stoi(s->substr(2 * i, 2), nullptr, 16));
        }
        if (!ok) c.error(v, "cookies secret must be 32 hexadecimal digits (16 octets, RFC 9018 §4.2)");
        else k.secret = secret;
    }
}

void logging_section(const YAML::Node& n, YamlChecker& c, Config& cfg) {
    c.keys(n, {"level", "format"}, "logging");
    if (!n.IsMap()) return;
    if (auto v = n["level"]) {
        auto s = v.as<std::string>();
        if (s != "debug" && s != "info" && s != "warn" && s != "error")
            c.error(v, "logging level must be debug, info, warn or error");
        else cfg.log_level = s;
    }
    if (auto v = n["format"]) {
        auto s = v.as<std::string>();
        if (s != "text" && s != "json") c.error(v, "logging format must be text or json");
        else cfg.log_json = s == "json";
    }
}

namespace {

void keys_section(const YAML::Node& n, YamlChecker& c, Config& cfg) { xfr::parse_keys(n, c.file, cfg.xfr, c.diags); }
void threads_section(const YAML::Node& n, YamlChecker& c, Config& cfg) {
    if (auto v = c.integer(n, 0, 1024, "threads")) cfg.server.threads = static_cast<unsigned>(*v);
}
void database_section(const YAML::Node& n, YamlChecker& c, Config& cfg) {
    if (auto s = c.string(n, "database")) cfg.database = *s;
}
void watch_section(const YAML::Node& n, YamlChecker& c, Config& cfg) {
    if (auto b = c.boolean(n, "watch")) cfg.watch = *b;
}
void user_section(const YAML::Node& n, YamlChecker& c, Config& cfg) {
    if (auto s = c.string(n, "user")) cfg.user = *s;
}
void control_section(const YAML::Node& n, YamlChecker& c, Config& cfg) {
    if (auto s = c.string(n, "control")) cfg.server.control_path = *s;
}

struct Section {
    const char* key;
    void (*parse)(const YAML::Node&, YamlChecker&, Config&);
};

/// Every top-level key, in the order they are applied: keys before zones (zones name keys).
constexpr Section kSections[] = {
    {"keys", keys_section},         {"listen", listen_section},   {"threads", threads_section},
    {"database", database_section}, {"watch", watch_section},     {"control", control_section},
    {"zones", zones_section},       {"answer", answer_section},   {"tcp", tcp_section},
    {"udp", udp_section},
    {"statistics", statistics_section}, {"acl", acl_section},     {"recursion", recursion_section},
    {"logging", logging_section},   {"api", api_section},         {"rate_limit", rate_limit_section},
    {"user", user_section},
    {"cookies", cookies_section},   {"client_subnet", client_subnet_section},
};

void unknown_keys(const YAML::Node& root, YamlChecker& c) {
    if (!root.IsMap()) {
        c.error(root, "the configuration must be a mapping");
        return;
    }
    for (const auto& kv : root) {
        auto key = kv.first.as<std::string>();
        bool known = false;
        std::string list;
        for (const auto& s : kSections) {
            known = known || key == s.key;
            list += (list.empty() ? "" : ", ") + std::string(s.key);
        }
        if (!known) c.error(kv.first, "unknown key '" + key + "' in the configuration (known: " + list + ")");
    }
}

}  // namespace
}  // namespace config

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
    config::YamlChecker c{path, diags};
    config::unknown_keys(root, c);
    if (!root.IsMap()) return;
    for (const auto& s : config::kSections) {
        if (auto n = root[s.key]) s.parse(n, c, cfg);
    }
}

}  // namespace enumd::server
