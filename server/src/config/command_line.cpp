// The enumd command line (config.hpp): one table row per option.
#include <cstdlib>

#include "enumd/build_info.hpp"
#include "enumd/server/config.hpp"

namespace enumd::server {
namespace {

/// Applies an option's value; false when the value is malformed.
using Apply = bool (*)(Config&, const std::string&);

struct Option {
    const char* name;
    bool takes_value;
    Apply apply;
    const char* malformed;  ///< the error after "enumd: NAME VALUE: "
};

bool add_acl_entry(Acl& acl, const std::string& v) {
    auto e = Acl::parse_entry(v);
    if (e) acl.add(*e);
    return e.has_value();
}

const Option kOptions[] = {
    {"--config", true, [](Config&, const std::string&) { return true; }, ""},  // read before the others
    {"--listen", true,
     [](Config& c, const std::string& v) {
         auto ep = parse_endpoint(v);
         if (ep) c.server.listen.push_back(*ep);
         return ep.has_value();
     },
     "not an address[:port]"},
    {"--zone", true,
     [](Config& c, const std::string& v) {
         auto z = zones::parse_zone_source(v);
         if (z) c.zones.push_back(*z);
         return z.has_value();
     },
     "expected [ORIGIN=]FILE"},
    {"--db", true, [](Config& c, const std::string& v) { return c.database = v, true; }, ""},
    {"--map-size", true,
     [](Config& c, const std::string& v) {
         char* end = nullptr;
         c.map_size = std::strtoull(v.c_str(), &end, 10);
         return !v.empty() && *end == '\0' && c.map_size > 0;
     },
     "not a number of bytes"},
    {"--threads", true,
     [](Config& c, const std::string& v) { return c.server.threads = static_cast<unsigned>(std::atoi(v.c_str())), true; },
     ""},
    {"--user", true, [](Config& c, const std::string& v) { return c.user = v, !v.empty(); }, "empty user name"},
    {"--check-config", false, [](Config& c, const std::string&) { return c.check_only = true; }, ""},
    {"--stats-listen", true, [](Config& c, const std::string& v) { return c.server.stats_listen = v, true; }, ""},
    {"--control", true, [](Config& c, const std::string& v) { return c.server.control_path = v, true; }, ""},
    {"--allow-query", true, [](Config& c, const std::string& v) { return add_acl_entry(c.server.query_acl, v); },
     "not an address[/prefix]"},
    {"--recursion", false, [](Config& c, const std::string&) { return c.server.recursion.enabled = true; }, ""},
    {"--forward", true,
     [](Config& c, const std::string& v) {
         auto ep = parse_endpoint(v);
         if (!ep) return false;
         c.server.recursion.enabled = true;
         c.server.recursion.forwarders.push_back({ep->address, ep->port});
         return true;
     },
     "not an address[:port]"},
    {"--root-hints", true,
     [](Config& c, const std::string& v) {
         c.server.recursion.enabled = true;
         c.server.recursion.root_hints = v;
         return true;
     },
     ""},
    {"--allow-recursion", true,
     [](Config& c, const std::string& v) {
         c.recursion_allow_given = true;
         return add_acl_entry(c.server.recursion.allow, v);
     },
     "not an address[/prefix]"},
    {"--allow-transfer", true,
     [](Config& c, const std::string& v) {
         c.xfr.defaults.allow_set = true;
         return add_acl_entry(c.xfr.defaults.allow, v);
     },
     "not an address[/prefix]"},
    {"--tsig-key", true,
     [](Config& c, const std::string& v) {
         auto k = xfr::parse_key_text(v);
         if (k) c.xfr.keys.push_back(*k);
         return k.has_value();
     },
     "expected NAME:ALGORITHM:BASE64-SECRET"},
    {"--transfer-key", true, [](Config& c, const std::string& v) { return c.xfr.defaults.keys.push_back(v), true; }, ""},
    {"--secondary", true,
     [](Config& c, const std::string& v) {
         auto z = xfr::parse_secondary_text(v);
         if (z) c.xfr.secondaries.push_back(*z);
         return z.has_value();
     },
     "expected ORIGIN=ADDR:PORT[/KEY]"},
    {"--notify", true,
     [](Config& c, const std::string& v) {
         auto ep = parse_endpoint(v);
         if (ep) c.xfr.defaults.notify.push_back(*ep);
         return ep.has_value();
     },
     "not an address[:port]"},
    {"--watch", false, [](Config& c, const std::string&) { return c.watch = true; }, ""},
    {"--no-naptr-additional", false,
     [](Config& c, const std::string&) { return !(c.server.answer.naptr_additional = false); }, ""},
    {"--edns-buffer", true,
     [](Config& c, const std::string& v) {
         return c.server.answer.edns_buffer = static_cast<std::uint16_t>(std::atoi(v.c_str())), true;
     },
     ""},
    {"--log-level", true, [](Config& c, const std::string& v) { return c.log_level = v, true; }, ""},
    {"--log-json", false, [](Config& c, const std::string&) { return c.log_json = true; }, ""},
};

std::string join_diagnostics(const zones::Diagnostics& d) {
    std::string s;
    for (const auto& item : d.items) {
        if (!s.empty()) s += '\n';
        s += item.to_text();
    }
    return s;
}

/// Defaults that depend on what was given.
void apply_defaults(Config& cfg) {
    if (cfg.server.listen.empty()) cfg.server.listen.push_back({"127.0.0.1", 53});
    if (cfg.server.recursion.enabled && !cfg.recursion_allow_given) {
        // Never an open resolver: loopback only unless configured otherwise.
        cfg.server.recursion.allow.add(*Acl::parse_entry("127.0.0.0/8"));
        cfg.server.recursion.allow.add(*Acl::parse_entry("::1"));
    }
}

}  // namespace

void print_usage(std::FILE* f) {
    std::fputs(
        "usage: enumd [--config FILE] [--listen ADDR[:PORT]]... [--zone [ORIGIN=]FILE]... [--db DIR]\n"
        "             [--threads N] [--stats-listen ADDR:PORT] [--control PATH] [--watch] [--allow-query CIDR]...\n"
        "             [--no-naptr-additional] [--edns-buffer N] [--log-level LEVEL] [--log-json]\n"
        "             [--user NAME] [--check-config]\n"
        "\n"
        "  --listen ADDR[:PORT]   UDP and TCP listen address, repeatable (default 127.0.0.1:53)\n"
        "  --zone [ORIGIN=]FILE   YAML or RFC 1035 zone file, repeatable; compiled at start and on reload\n"
        "  --db DIR               LMDB database (from `enumctl compile`, or where --zone files are compiled;\n"
        "                         without it, --zone files go to a private temporary database)\n"
        "  --map-size BYTES       LMDB map a new database starts with (default 64 MiB; it grows as needed)\n"
        "  --threads N            worker threads (default: one per core)\n"
        "  --stats-listen A:P     Prometheus text endpoint (GET /metrics), e.g. 127.0.0.1:9153\n"
        "  --control PATH         unix socket for `enumctl reload|stats|zones`\n"
        "  --watch                reload when a zone file changes\n"
        "  --allow-query CIDR     only these clients may query (repeatable; default everyone), others REFUSED\n"
        "  --recursion            resolve names outside our zones (iterating from the root hints)\n"
        "  --forward ADDR[:PORT]  forward names outside our zones to this resolver (repeatable; implies --recursion)\n"
        "  --root-hints FILE      root hints for iteration (implies --recursion)\n"
        "  --allow-recursion CIDR who may recurse (repeatable; default 127.0.0.0/8 and ::1 only)\n"
        "  --no-naptr-additional  no RFC 3403 additional-section processing for NAPTR\n"
        "  --allow-transfer CIDR  who may AXFR/IXFR every zone (repeatable; default nobody)\n"
        "  --tsig-key NAME:ALG:SECRET  a TSIG key (e.g. xfr.:hmac-sha256:BASE64), repeatable\n"
        "  --transfer-key NAME    transfers must be signed with this key (repeatable)\n"
        "  --notify ADDR:PORT     secondary to NOTIFY when a zone's serial changes (repeatable)\n"
        "  --secondary ORIGIN=ADDR:PORT[/KEY]  serve ORIGIN as a secondary of that primary (repeatable)\n"
        "  --user NAME            after binding, run as this user (start as root; like BIND -u)\n"
        "  --check-config         validate the config and compile every zone to a temporary database, then\n"
        "                         exit 0 (fine) or 1 (errors as file:line); never binds or opens --db\n"
        "  --version              version, git revision and build type\n"
        "  SIGHUP reloads; SIGINT/SIGTERM stop.\n",
        f);
}

CommandLine parse_command_line(const std::vector<std::string>& args, Config& cfg) {
    zones::Diagnostics diags;
    // A config file first, so the command line can override it.
    for (std::size_t i = 0; i + 1 < args.size(); ++i) {
        if (args[i] == "--config") load_config_file(args[i + 1], cfg, diags);
    }
    const std::vector<Endpoint> file_listen = std::move(cfg.server.listen);
    cfg.server.listen.clear();
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--help" || a == "-h") {
            print_usage(stdout);
            return CommandLine::Help;
        }
        if (a == "--version") {
            std::printf("%s\n", version_line("enumd").c_str());
            return CommandLine::Help;
        }
        const Option* opt = nullptr;
        for (const auto& o : kOptions) {
            if (a == o.name) opt = &o;
        }
        if (opt == nullptr) {
            std::fprintf(stderr, "enumd: unknown option '%s' (see --help)\n", a.c_str());
            return CommandLine::Invalid;
        }
        if (opt->takes_value && i + 1 >= args.size()) {
            std::fprintf(stderr, "enumd: %s needs a value\n", a.c_str());
            return CommandLine::Invalid;
        }
        const std::string value = opt->takes_value ? args[++i] : std::string();
        if (!opt->apply(cfg, value)) {
            std::fprintf(stderr, "enumd: %s %s: %s\n", a.c_str(), value.c_str(), opt->malformed);
            return CommandLine::Invalid;
        }
    }
    if (diags.has_errors()) {
        std::fprintf(stderr, "%s\n", join_diagnostics(diags).c_str());
        return CommandLine::Invalid;
    }
    if (cfg.server.listen.empty()) cfg.server.listen = file_listen;  // --listen replaces the file's list
    apply_defaults(cfg);
    return CommandLine::Run;
}

std::string check_key_references(const Config& cfg) {
    for (const auto& k : cfg.xfr.defaults.keys) {
        if (cfg.xfr.key(k) == nullptr) return "--transfer-key " + k + ": no such --tsig-key";
    }
    for (const auto& s : cfg.xfr.secondaries) {
        if (!s.key.empty() && cfg.xfr.key(s.key) == nullptr)
            return "secondary zone " + s.origin.to_text() + ": no TSIG key named " + s.key;
    }
    return {};
}

}  // namespace enumd::server
