// The enumd command line (config.hpp): one table row per option.
#include <cstdlib>
#include <limits>
#include <optional>

#include "enumd/cli/command_line.hpp"

#include "enumd/server/config.hpp"

namespace enumd::server {
namespace {

/// Applies an option's value; false when the value is malformed.
using Apply = bool (*)(Config&, const std::string&);

struct Option {
    const char* name;
    const char* value;  ///< the value's name in --help; nullptr: a switch without a value
    const char* help;
    const char* group;
    Apply apply;
    const char* malformed;  ///< the error after "enumd: NAME: VALUE: "
    std::optional<CLI::Validator> check = std::nullopt;  ///< checked while parsing (cli::integer, cli::one_of)
};

bool add_acl_entry(Acl& acl, const std::string& v) {
    auto e = Acl::parse_entry(v);
    if (e) acl.add(*e);
    return e.has_value();
}

constexpr const char* kServe = "Serving";
constexpr const char* kZones = "Zones and database";
constexpr const char* kRecursion = "Recursion (names outside our zones)";
constexpr const char* kTransfer = "Zone transfers (AXFR/IXFR, NOTIFY, secondary zones) and TSIG";
constexpr const char* kProcess = "Process and logging";

const Option kOptions[] = {
    {"--config", "FILE", "YAML config (server/README.md); the options below override it", kServe,
     [](Config&, const std::string&) { return true; }, ""},  // read before the others
    {"--listen", "ADDR[:PORT]", "UDP and TCP listen address, repeatable (default 127.0.0.1:53)", kServe,
     [](Config& c, const std::string& v) {
         auto ep = parse_endpoint(v);
         if (ep) c.server.listen.push_back(*ep);
         return ep.has_value();
     },
     "not an address[:port]"},
    {"--threads", "N", "worker threads, 0 to 1024 (default 0: one per core)", kServe,
     [](Config& c, const std::string& v) { return c.server.threads = static_cast<unsigned>(std::stoul(v)), true; }, "",
     cli::integer(0, 1024)},
    {"--allow-query", "CIDR", "only these clients may query (repeatable; default everyone), others REFUSED", kServe,
     [](Config& c, const std::string& v) { return add_acl_entry(c.server.query_acl, v); }, "not an address[/prefix]"},
    {"--no-naptr-additional", nullptr, "no RFC 3403 additional-section processing for NAPTR", kServe,
     [](Config& c, const std::string&) { return !(c.server.answer.naptr_additional = false); }, ""},
    {"--edns-buffer", "OCTETS", "the EDNS UDP payload size enumd offers, 512 to 4096 (RFC 6891 §6.2.5)", kServe,
     [](Config& c, const std::string& v) {
         return c.server.answer.edns_buffer = static_cast<std::uint16_t>(std::stoul(v)), true;
     },
     "", cli::integer(512, 4096)},
    {"--stats-listen", "ADDR:PORT", "Prometheus text endpoint (GET /metrics), e.g. 127.0.0.1:9153", kServe,
     [](Config& c, const std::string& v) { return c.server.stats_listen = v, true; }, ""},
    {"--control", "PATH", "unix socket for `enumctl reload|stats|zones|set|delete|apply`", kServe,
     [](Config& c, const std::string& v) { return c.server.control_path = v, true; }, ""},
    {"--zone", "[ORIGIN=]FILE", "YAML or RFC 1035 zone file, repeatable; compiled at start and on reload", kZones,
     [](Config& c, const std::string& v) {
         auto z = zones::parse_zone_source(v);
         if (z) c.zones.push_back(*z);
         return z.has_value();
     },
     "expected [ORIGIN=]FILE"},
    {"--db", "DIR",
     "LMDB database (from `enumctl compile`, or where --zone files are compiled; without it, --zone files go to a "
     "private temporary database)",
     kZones, [](Config& c, const std::string& v) { return c.database = v, true; }, ""},
    {"--map-size", "BYTES", "LMDB map a new database starts with (default 64 MiB; it grows as needed)", kZones,
     [](Config& c, const std::string& v) {
         c.map_size = std::stoull(v);
         return true;
     },
     "", cli::integer(1, std::numeric_limits<std::size_t>::max())},
    {"--watch", nullptr, "reload when a zone file changes", kZones,
     [](Config& c, const std::string&) { return c.watch = true; }, ""},
    {"--recursion", nullptr, "resolve names outside our zones, iterating from the root hints", kRecursion,
     [](Config& c, const std::string&) { return c.server.recursion.enabled = true; }, ""},
    {"--forward", "ADDR[:PORT]", "forward names outside our zones to this resolver (repeatable; implies --recursion)",
     kRecursion,
     [](Config& c, const std::string& v) {
         auto ep = parse_endpoint(v);
         if (!ep) return false;
         c.server.recursion.enabled = true;
         c.server.recursion.forwarders.push_back({ep->address, ep->port});
         return true;
     },
     "not an address[:port]"},
    {"--root-hints", "FILE", "root hints for iteration (implies --recursion)", kRecursion,
     [](Config& c, const std::string& v) {
         c.server.recursion.enabled = true;
         c.server.recursion.root_hints = v;
         return true;
     },
     ""},
    {"--allow-recursion", "CIDR", "who may recurse (repeatable; default 127.0.0.0/8 and ::1 only)", kRecursion,
     [](Config& c, const std::string& v) {
         c.recursion_allow_given = true;
         return add_acl_entry(c.server.recursion.allow, v);
     },
     "not an address[/prefix]"},
    {"--allow-transfer", "CIDR", "who may AXFR/IXFR every zone (repeatable; default nobody)", kTransfer,
     [](Config& c, const std::string& v) {
         c.xfr.defaults.allow_set = true;
         return add_acl_entry(c.xfr.defaults.allow, v);
     },
     "not an address[/prefix]"},
    {"--tsig-key", "NAME:ALG:SECRET", "a TSIG key (RFC 8945), e.g. xfr.:hmac-sha256:BASE64; repeatable", kTransfer,
     [](Config& c, const std::string& v) {
         auto k = xfr::parse_key_text(v);
         if (k) c.xfr.keys.push_back(*k);
         return k.has_value();
     },
     "expected NAME:ALGORITHM:BASE64-SECRET"},
    {"--transfer-key", "NAME", "transfers must be signed with this --tsig-key (repeatable)", kTransfer,
     [](Config& c, const std::string& v) { return c.xfr.defaults.keys.push_back(v), true; }, ""},
    {"--notify", "ADDR[:PORT]", "secondary to NOTIFY when a zone's serial changes (repeatable)", kTransfer,
     [](Config& c, const std::string& v) {
         auto ep = parse_endpoint(v);
         if (ep) c.xfr.defaults.notify.push_back(*ep);
         return ep.has_value();
     },
     "not an address[:port]"},
    {"--secondary", "ORIGIN=ADDR:PORT[/KEY]", "serve ORIGIN as a secondary of that primary (repeatable)", kTransfer,
     [](Config& c, const std::string& v) {
         auto z = xfr::parse_secondary_text(v);
         if (z) c.xfr.secondaries.push_back(*z);
         return z.has_value();
     },
     "expected ORIGIN=ADDR:PORT[/KEY]"},
    {"--user", "NAME", "after binding, run as this user (start as root; like BIND -u)", kProcess,
     [](Config& c, const std::string& v) { return c.user = v, !v.empty(); }, "empty user name"},
    {"--check-config", nullptr,
     "validate the config and compile every zone to a temporary database, then exit 0 (fine) or 1 (errors as "
     "file:line); never binds or opens --db",
     kProcess, [](Config& c, const std::string&) { return c.check_only = true; }, ""},
    {"--log-level", "LEVEL", "debug, info, warn or error (default info)", kProcess,
     [](Config& c, const std::string& v) { return c.log_level = v, true; }, "",
     cli::one_of({"debug", "info", "warn", "error"})},
    {"--log-json", nullptr, "log lines as JSON objects", kProcess,
     [](Config& c, const std::string&) { return c.log_json = true; }, ""},
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

/// The command line as a CLI11 App over kOptions, applying each value to `cfg` as CLI11 reads it.
void describe(CLI::App& app, Config& cfg) {
    cli::configure(app, "enumd");
    app.description("enumd: authoritative DNS for ENUM and 3GPP names, with optional recursion.");
    app.footer("SIGHUP reloads; SIGINT/SIGTERM stop. The YAML config holds the same settings and more "
               "(server/README.md).");
    for (const auto& o : kOptions) {
        if (o.value == nullptr) {
            auto* opt = app.add_flag_callback(
                o.name,
                [&cfg, &o] {
                    if (!o.apply(cfg, {})) throw CLI::ValidationError(o.name, o.malformed);
                },
                o.help);
            opt->group(o.group);
            continue;
        }
        auto* opt = app.add_option(o.name, o.help)
                        ->type_name(o.value)
                        ->expected(1)
                        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
                        ->trigger_on_parse()  // in command-line order, as the options were always applied
                        ->group(o.group);
        if (o.check) opt->check(*o.check);
        opt->each([&cfg, &o](const std::string& v) {
            if (!o.apply(cfg, v)) throw CLI::ValidationError(o.name, v + ": " + o.malformed);
        });
    }
}

}  // namespace

void print_usage(std::FILE* f) {
    Config scratch;
    CLI::App app;
    describe(app, scratch);
    std::fputs(app.help().c_str(), f);
}

CommandLine parse_command_line(const std::vector<std::string>& args, Config& cfg) {
    zones::Diagnostics diags;
    // A config file first, so the command line can override it.
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--config" && i + 1 < args.size()) load_config_file(args[i + 1], cfg, diags);
        if (args[i].rfind("--config=", 0) == 0) load_config_file(args[i].substr(9), cfg, diags);
    }
    const std::vector<Endpoint> file_listen = std::move(cfg.server.listen);
    cfg.server.listen.clear();
    CLI::App app;
    describe(app, cfg);
    std::vector<const char*> argv{"enumd"};
    for (const auto& a : args) argv.push_back(a.c_str());
    if (auto status = cli::parse(app, static_cast<int>(argv.size()), argv.data()))
        return *status == 0 ? CommandLine::Help : CommandLine::Invalid;
    if (diags.has_errors()) {
        std::fprintf(stderr, "%s\n", join_diagnostics(diags).c_str());
        return CommandLine::BadConfig;
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
