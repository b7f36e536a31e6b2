// enumq: ENUM lookups, RFC 3263 SIP server location and ePDG discovery
// from the command line, over the enumd client library.
//
//   enumq [enum] +61355500912 [--server 127.0.0.1:5353] [--suffix e164.arpa] [--service E2U+sip]
//   enumq sip sip:alice@ims.mnc001.mcc001.3gppnetwork.org      (or --sip URI)
//   enumq epdg --mcc 505 --mnc 01,02                          (or --epdg 505-01 505-02 ...)
//   enumq --epdg-country 505 --mnc 01,02,03 [--visited]
// Common: --server ADDR (repeatable; default /etc/resolv.conf), --timeout MS,
// --json, --csv (epdg), --no-cache, -v (query trace).
//
//   enumq snaptr --apn internet --mcc 505 --mnc 01 --app-service x-3gpp-pgw --app-protocol x-s5-gtp
//   enumq imsi 5055710000001 [--mnc-length 2|3] [--known-plmn 505-571]
//
// Exit codes: 0 ok, 1 usage or bad input, 2 NXDOMAIN, 3 no usable record
// (imsi: ambiguous), 4 timeout, 5 server failure (SERVFAIL/REFUSED/malformed).

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <iostream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "enumd/build_info.hpp"
#include "enumd/numbering/e164.hpp"
#include "enumd/numbering/gpp_names.hpp"
#include "enumd/resolver/stub.hpp"
#include "json.hpp"

using namespace enumd;
using namespace enumd::resolver;
using namespace enumd::numbering;

namespace {

constexpr int kExitOk = 0;
constexpr int kExitUsage = 1;
constexpr int kExitNxDomain = 2;
constexpr int kExitNoRecord = 3;
constexpr int kExitTimeout = 4;
constexpr int kExitServFail = 5;

void usage(std::FILE* to = stderr) {
    std::fputs(
        "usage:\n"
        "  enumq [enum] NUMBER [--suffix S]... [--service E2U+sip] [--legacy] [--failover] [--weighted] [--seed N]\n"
        "                      [--draws N]  (count the first choice over N selections)\n"
        "  enumq sip URI            | enumq --sip URI\n"
        "  enumq epdg --mcc MCC --mnc MNC[,MNC...] | enumq --epdg MCC-MNC [MCC-MNC...]\n"
        "  enumq --epdg-country MCC --mnc MNC[,MNC...] [--visited]\n"
        "  enumq snaptr DOMAIN|--apn APN-NI --mcc MCC --mnc MNC --app-service S [--app-protocol P]\n"
        "  enumq imsi IMSI [--mnc-length 2|3] [--known-plmn MCC-MNC]... [--mnc-table FILE]  (offline)\n"
        "common: --server ADDR[:PORT] (repeatable; default: /etc/resolv.conf), --timeout MS, --json, --csv,\n"
        "        --no-cache, -v, --version\n"
        "exit: 0 ok, 1 usage, 2 NXDOMAIN, 3 no usable record, 4 timeout, 5 server failure\n",
        to);
}

struct Args {
    std::string command;  // enum | sip | epdg
    std::vector<std::string> positional;
    std::vector<std::string> servers;
    std::vector<std::string> suffixes;
    std::string service;
    std::string mcc;
    std::vector<std::string> mncs;
    bool legacy = false, failover = false, weighted = false, json = false, csv = false, no_cache = false,
         verbose = false, visited = false;
    std::optional<std::uint64_t> seed;
    unsigned timeout_ms = 800;
    unsigned long draws = 0;
    std::string app_service, app_protocol, apn;
    int mnc_length = 0;
    std::vector<std::string> known_plmns;
    std::string mnc_table;
};

std::vector<std::string> split_commas(const std::string& s) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= s.size()) {
        auto p = s.find(',', start);
        auto tok = s.substr(start, p == std::string::npos ? std::string::npos : p - start);
        if (!tok.empty()) out.push_back(tok);
        if (p == std::string::npos) break;
        start = p + 1;
    }
    return out;
}

bool parse_args(int argc, char** argv, Args& a) {
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        auto value = [&]() -> std::optional<std::string> {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "enumq: %s needs a value\n", arg.c_str());
                return std::nullopt;
            }
            return std::string(argv[++i]);
        };
        if (arg == "--server" || arg == "-s") {
            auto v = value();
            if (!v) return false;
            a.servers.push_back(*v);
        } else if (arg == "--suffix") {
            auto v = value();
            if (!v) return false;
            a.suffixes.push_back(*v);
        } else if (arg == "--service") {
            auto v = value();
            if (!v) return false;
            a.service = *v;
        } else if (arg == "--timeout") {
            auto v = value();
            if (!v) return false;
            a.timeout_ms = static_cast<unsigned>(std::stoul(*v));
        } else if (arg == "--seed") {
            auto v = value();
            if (!v) return false;
            a.seed = std::stoull(*v);
        } else if (arg == "--draws") {
            auto v = value();
            if (!v) return false;
            a.draws = std::stoul(*v);
            if (a.draws > 10'000'000) {
                std::fprintf(stderr, "enumq: --draws at most 10000000\n");
                return false;
            }
        } else if (arg == "--app-service") {
            auto v = value();
            if (!v) return false;
            a.app_service = *v;
        } else if (arg == "--app-protocol") {
            auto v = value();
            if (!v) return false;
            a.app_protocol = *v;
        } else if (arg == "--apn") {
            auto v = value();
            if (!v) return false;
            a.apn = *v;
        } else if (arg == "--mnc-length") {
            auto v = value();
            if (!v) return false;
            a.mnc_length = std::stoi(*v);
        } else if (arg == "--mnc-table") {
            auto v = value();
            if (!v) return false;
            a.mnc_table = *v;
        } else if (arg == "--known-plmn") {
            auto v = value();
            if (!v) return false;
            a.known_plmns.push_back(*v);
        } else if (arg == "--mcc") {
            auto v = value();
            if (!v) return false;
            a.mcc = *v;
        } else if (arg == "--mnc") {
            auto v = value();
            if (!v) return false;
            for (auto& m : split_commas(*v)) a.mncs.push_back(m);
        } else if (arg == "--sip") {
            a.command = "sip";
        } else if (arg == "--epdg") {
            a.command = "epdg";
        } else if (arg == "--epdg-country") {
            auto v = value();
            if (!v) return false;
            a.command = "epdg";
            a.mcc = *v;
        } else if (arg == "--legacy") {
            a.legacy = true;
        } else if (arg == "--failover") {
            a.failover = true;
        } else if (arg == "--weighted") {
            a.weighted = true;
        } else if (arg == "--json") {
            a.json = true;
        } else if (arg == "--csv") {
            a.csv = true;
        } else if (arg == "--no-cache") {
            a.no_cache = true;
        } else if (arg == "--visited") {
            a.visited = true;
        } else if (arg == "-v" || arg == "--verbose") {
            a.verbose = true;
        } else if (arg == "-h" || arg == "--help") {  // asked for: stdout and success (help2man reads it)
            usage(stdout);
            std::exit(0);
        } else if (arg == "--version") {
            std::printf("%s\n", enumd::version_line("enumq").c_str());
            std::exit(0);
        } else if (arg.starts_with("--")) {
            std::fprintf(stderr, "enumq: unknown option %s\n", arg.c_str());
            return false;
        } else if (a.command.empty() && a.positional.empty() && (arg == "enum" || arg == "sip" || arg == "epdg" || arg == "snaptr" || arg == "imsi")) {
            a.command = arg;
        } else {
            a.positional.push_back(arg);
        }
    }
    if (a.command.empty()) a.command = "enum";
    return true;
}

std::unique_ptr<StubResolver> make_resolver(const Args& a, std::string& error) {
    StubOptions o;
    for (const auto& s : a.servers) {
        auto sv = parse_server(s);
        if (!sv) {
            error = sv.error();
            return nullptr;
        }
        o.servers.push_back(*sv);
    }
    o.timeout = std::chrono::milliseconds(a.timeout_ms);
    o.cache = !a.no_cache;
    if (a.verbose) o.log = [](const std::string& l) { std::fprintf(stderr, "%s\n", l.c_str()); };
    return std::make_unique<StubResolver>(o);
}

int exit_for(EnumOutcome o) {
    switch (o) {
    case EnumOutcome::Ok: return kExitOk;
    case EnumOutcome::BadNumber: return kExitUsage;
    case EnumOutcome::NxDomain: return kExitNxDomain;
    case EnumOutcome::NoUsable: return kExitNoRecord;
    case EnumOutcome::Timeout: return kExitTimeout;
    case EnumOutcome::ServFail: return kExitServFail;
    }
    return kExitUsage;
}

int exit_for(LocateOutcome o) {
    switch (o) {
    case LocateOutcome::Ok: return kExitOk;
    case LocateOutcome::BadUri: return kExitUsage;
    case LocateOutcome::NxDomain: return kExitNxDomain;
    case LocateOutcome::NotOffered:
    case LocateOutcome::NoAddress: return kExitNoRecord;
    case LocateOutcome::Timeout: return kExitTimeout;
    case LocateOutcome::ServFail: return kExitServFail;
    }
    return kExitUsage;
}

/// The end of every --json lookup report: the lookup's trace, then the
/// object closed and printed.
void print_json(enumq::Json& j, const std::vector<std::string>& trace) {
    j.key("trace").begin_array();
    for (const auto& l : trace) j.str(l);
    j.end_array();
    j.end_object();
    std::cout << j.text() << "\n";
}

/// The head of every text lookup report: which servers were asked (a proxy
/// that "cannot resolve" is often asking the wrong one), then the trace.
void print_head(const StubResolver& r, const std::vector<std::string>& trace) {
    std::cout << ";; DNS servers: " << r.describe_servers() << "\n";
    for (const auto& l : trace) std::cout << ";; " << l << "\n";
}

int run_enum(const Args& a, StubResolver& r) {
    if (a.positional.size() != 1) {
        usage();
        return kExitUsage;
    }
    EnumOptions o;
    for (auto s : a.suffixes) {
        if (s.back() != '.') s += '.';
        auto n = dns::Name::from_text(s);
        if (!n) {
            std::fprintf(stderr, "enumq: bad suffix %s: %s\n", s.c_str(), n.error().c_str());
            return kExitUsage;
        }
        o.suffixes.push_back(*n);
    }
    if (o.suffixes.empty()) o.suffixes.push_back(default_enum_suffix());
    auto f = ServiceFilter::parse(a.service);
    if (!f) {
        std::fprintf(stderr, "enumq: bad --service: %s\n", f.error().c_str());
        return kExitUsage;
    }
    o.service = *f;
    o.service.accept_legacy(a.legacy);
    o.failover_across_orders = a.failover;
    o.preference_as_weight = a.weighted;
    o.seed = a.seed;
    auto res = r.enum_lookup_blocking(a.positional[0], o);
    std::string mode = std::string(a.failover ? "failover" : "rfc3403") + (a.weighted ? "+weighted" : "");
    // --draws N: repeat the selection N times (answers come from the cache
    // after the first lookup) and count which URI would be tried first.
    std::map<std::string, unsigned long> first_counts;
    if (res.outcome == EnumOutcome::Ok && a.draws > 0) {
        EnumOptions d = o;
        std::uint64_t base = a.seed.value_or(std::random_device{}());
        for (unsigned long i = 0; i < a.draws; ++i) {
            d.seed = base + i + 1;
            auto again = r.enum_lookup_blocking(a.positional[0], d);
            if (!again.targets.empty()) ++first_counts[again.targets.front().uri];
        }
    }

    if (a.json) {
        enumq::Json j;
        j.begin_object();
        j.key("query").str(a.positional[0]);
        j.key("aus").str(res.aus);
        j.key("outcome").str(to_string(res.outcome));
        if (!res.error.empty()) j.key("error").str(res.error);
        j.key("servers").str(r.describe_servers());
        j.key("server").str(res.server);
        j.key("domain").str(res.domain);
        j.key("mode").str(mode);
        j.key("records").begin_array();
        for (const auto& v : res.records) {
            j.begin_object();
            j.key("owner").str(v.owner.to_text());
            j.key("order").integer(v.record.order);
            j.key("preference").integer(v.record.preference);
            j.key("flags").str(v.record.flags);
            j.key("services").str(v.record.services);
            j.key("regexp").str(v.record.regexp);
            j.key("replacement").str(v.record.replacement.to_text());
            j.key("result").str(v.result);
            j.key("used").boolean(v.skipped.empty());
            if (!v.skipped.empty()) j.key("skipped").str(v.skipped);
            j.end_object();
        }
        j.end_array();
        j.key("targets").begin_array();
        for (const auto& t : res.targets) {
            j.begin_object();
            j.key("uri").str(t.uri);
            j.key("order").integer(t.order);
            j.key("preference").integer(t.preference);
            j.key("share").num(t.share);
            j.key("service").str(t.service);
            j.key("npdi").boolean(t.npdi);
            j.end_object();
        }
        j.end_array();
        if (a.draws > 0) {
            j.key("draws").integer(static_cast<long long>(a.draws));
            j.key("first_counts").begin_object();
            for (const auto& [uri, n] : first_counts) j.key(uri).integer(static_cast<long long>(n));
            j.end_object();
        }
        print_json(j, res.trace);
        return exit_for(res.outcome);
    }

    std::cout << ";; DNS servers: " << r.describe_servers() << "\n";
    if (res.outcome == EnumOutcome::BadNumber) {
        std::cerr << "enumq: " << res.error << "\n";
        return kExitUsage;
    }
    std::cout << ";; AUS " << res.aus << ", mode " << mode << "\n";
    for (const auto& l : res.trace) std::cout << ";; " << l << "\n";
    if (!res.records.empty()) {
        std::cout << "\nNAPTR records:\n";
        for (const auto& v : res.records) {
            std::cout << "  " << v.owner.to_text() << " NAPTR " << to_text(v.record) << "\n";
            if (v.skipped.empty()) {
                std::cout << "      -> " << v.result << "\n";
            } else {
                std::cout << "      skipped: " << v.skipped << "\n";
            }
        }
    }
    std::cout << "\nOutcome: " << to_string(res.outcome) << "\n";
    if (!res.targets.empty()) {
        std::cout << "Failover order:\n";
        int n = 1;
        for (const auto& t : res.targets) {
            char share[32];
            std::snprintf(share, sizeof share, "%5.1f%%", t.share * 100.0);
            std::cout << "  " << n++ << ". " << t.uri << "  (order " << t.order << ", pref " << t.preference
                      << ", first-try share " << share << (t.npdi ? ", npdi: final" : "") << ")\n";
        }
    }
    if (!first_counts.empty()) {
        std::cout << "Observed first choice over " << a.draws << " draws:\n";
        for (const auto& [uri, n] : first_counts) {
            std::printf("  %-45s %8lu  %5.1f%%\n", uri.c_str(), n, 100.0 * static_cast<double>(n) / static_cast<double>(a.draws));
        }
    }
    return exit_for(res.outcome);
}

int run_sip(const Args& a, StubResolver& r) {
    if (a.positional.size() != 1) {
        usage();
        return kExitUsage;
    }
    SipLocateOptions o;
    o.seed = a.seed;
    auto res = r.locate_sip_blocking(a.positional[0], o);
    if (a.json) {
        enumq::Json j;
        j.begin_object();
        j.key("uri").str(a.positional[0]);
        j.key("outcome").str(to_string(res.outcome));
        if (!res.error.empty()) j.key("error").str(res.error);
        j.key("servers").str(r.describe_servers());
        j.key("targets").begin_array();
        for (const auto& t : res.targets) {
            j.begin_object();
            j.key("transport").str(to_string(t.transport));
            j.key("host").str(t.host);
            j.key("port").integer(t.port);
            j.key("address").str(t.address);
            j.end_object();
        }
        j.end_array();
        print_json(j, res.trace);
        return exit_for(res.outcome);
    }
    print_head(r, res.trace);
    if (!res.error.empty()) std::cerr << "enumq: " << res.error << "\n";
    std::cout << "Outcome: " << to_string(res.outcome) << "\n";
    int n = 1;
    for (const auto& t : res.targets) {
        std::cout << "  " << n++ << ". " << to_string(t.transport) << " " << t.host << ":" << t.port << " -> " << t.address
                  << "\n";
    }
    return exit_for(res.outcome);
}

int run_epdg(const Args& a, StubResolver& r) {
    struct Row {
        std::string plmn, fqdn;
        std::vector<std::string> addresses;
        std::string status;
    };
    std::vector<std::pair<std::string, std::string>> names;  // plmn label, fqdn
    std::vector<std::string> plmn_texts = a.positional;
    for (const auto& m : a.mncs) {
        if (a.mcc.empty()) {
            std::fprintf(stderr, "enumq: --mnc needs --mcc or --epdg-country\n");
            return kExitUsage;
        }
        plmn_texts.push_back(a.mcc + "-" + m);
    }
    for (const auto& t : plmn_texts) {
        auto p = Plmn::parse(t);
        if (!p) {
            std::fprintf(stderr, "enumq: %s\n", p.error().c_str());
            return kExitUsage;
        }
        names.emplace_back(p->to_text(), epdg_fqdn(*p));
    }
    if (a.visited) {
        auto f = epdg_visited_country_fqdn(a.mcc);
        if (!f) {
            std::fprintf(stderr, "enumq: %s\n", f.error().c_str());
            return kExitUsage;
        }
        names.emplace_back(a.mcc + " (visited country)", *f);
    }
    if (names.empty()) {
        usage();
        return kExitUsage;
    }
    std::vector<Row> rows;
    int worst = kExitOk;
    for (const auto& [plmn, fqdn] : names) {
        Row row{plmn, fqdn, {}, "ok"};
        auto name = dns::Name::from_text(fqdn + ".");
        LookupStatus st4 = LookupStatus::NxDomain, st6 = LookupStatus::NxDomain;
        for (auto type : {dns::RrType::A, dns::RrType::AAAA}) {
            auto ans = r.query_blocking(*name, type);
            (type == dns::RrType::A ? st4 : st6) = ans.status;
            for (const auto& rr : ans.records) {
                if (auto addr = parse_address_rdata(rr.type, rr.rdata)) row.addresses.push_back(*addr);
            }
        }
        if (row.addresses.empty()) {
            int code = kExitNoRecord;
            if (st4 == LookupStatus::Timeout || st6 == LookupStatus::Timeout) {
                row.status = "timeout";
                code = kExitTimeout;
            } else if (st4 == LookupStatus::ServFail || st6 == LookupStatus::ServFail) {
                row.status = "servfail";
                code = kExitServFail;
            } else if (st4 == LookupStatus::NxDomain) {
                row.status = "nxdomain";
                code = kExitNxDomain;
            } else {
                row.status = "no-address";
            }
            if (worst == kExitOk || code > worst) worst = code;
        }
        rows.push_back(std::move(row));
    }
    if (a.json) {
        enumq::Json j;
        j.begin_object();
        j.key("servers").str(r.describe_servers());
        j.key("epdg").begin_array();
        for (const auto& row : rows) {
            j.begin_object();
            j.key("plmn").str(row.plmn);
            j.key("fqdn").str(row.fqdn);
            j.key("status").str(row.status);
            j.key("addresses").begin_array();
            for (const auto& ad : row.addresses) j.str(ad);
            j.end_array();
            j.end_object();
        }
        j.end_array();
        j.end_object();
        std::cout << j.text() << "\n";
    } else if (a.csv) {
        // One line per address: ready for a QoS or firewall rule.
        std::cout << "plmn,fqdn,address,status\n";
        for (const auto& row : rows) {
            if (row.addresses.empty()) std::cout << row.plmn << "," << row.fqdn << ",," << row.status << "\n";
            for (const auto& ad : row.addresses) std::cout << row.plmn << "," << row.fqdn << "," << ad << "," << row.status << "\n";
        }
    } else {
        std::cout << ";; DNS servers: " << r.describe_servers() << "\n";
        std::printf("%-22s %-55s %s\n", "PLMN", "ePDG FQDN", "addresses");
        for (const auto& row : rows) {
            std::string addrs;
            for (const auto& ad : row.addresses) addrs += (addrs.empty() ? "" : " ") + ad;
            if (addrs.empty()) addrs = "(" + row.status + ")";
            std::printf("%-22s %-55s %s\n", row.plmn.c_str(), row.fqdn.c_str(), addrs.c_str());
        }
    }
    // Partial results still exit 0 when at least one operator resolved.
    bool any = false;
    for (const auto& row : rows) any = any || !row.addresses.empty();
    return any ? kExitOk : worst;
}

int run_snaptr(const Args& a, StubResolver& r) {
    std::string domain;
    if (!a.apn.empty()) {
        if (a.mcc.empty() || a.mncs.size() != 1) {
            std::fprintf(stderr, "enumq: --apn needs --mcc and one --mnc\n");
            return kExitUsage;
        }
        auto p = Plmn::make(a.mcc, a.mncs[0]);
        if (!p) {
            std::fprintf(stderr, "enumq: %s\n", p.error().c_str());
            return kExitUsage;
        }
        auto f = apn_fqdn(a.apn, *p);
        if (!f) {
            std::fprintf(stderr, "enumq: %s\n", f.error().c_str());
            return kExitUsage;
        }
        domain = *f;
    } else if (a.positional.size() == 1) {
        domain = a.positional[0];
    }
    if (domain.empty() || a.app_service.empty()) {
        usage();
        return kExitUsage;
    }
    if (domain.back() != '.') domain += '.';
    auto name = dns::Name::from_text(domain);
    if (!name) {
        std::fprintf(stderr, "enumq: %s\n", name.error().c_str());
        return kExitUsage;
    }
    SnaptrOptions o;
    o.app_service = a.app_service;
    o.app_protocol = a.app_protocol;
    o.seed = a.seed;
    auto res = r.snaptr_blocking(*name, o);
    if (a.json) {
        enumq::Json j;
        j.begin_object();
        j.key("domain").str(domain);
        j.key("outcome").str(to_string(res.outcome));
        j.key("servers").str(r.describe_servers());
        j.key("targets").begin_array();
        for (const auto& t : res.targets) {
            j.begin_object();
            j.key("host").str(t.host);
            j.key("port").integer(t.port);
            j.key("address").str(t.address);
            j.key("service").str(t.service);
            j.key("order").integer(t.order);
            j.key("preference").integer(t.preference);
            j.end_object();
        }
        j.end_array();
        print_json(j, res.trace);
        return exit_for(res.outcome);
    }
    print_head(r, res.trace);
    std::cout << "Outcome: " << to_string(res.outcome) << "\n";
    int n = 1;
    for (const auto& t : res.targets) {
        std::cout << "  " << n++ << ". " << t.host << (t.port != 0 ? ":" + std::to_string(t.port) : std::string()) << " -> "
                  << t.address << "  (" << t.service << ", order " << t.order << ")\n";
    }
    return exit_for(res.outcome);
}

int run_imsi(const Args& a) {
    if (a.positional.size() != 1) {
        usage();
        return kExitUsage;
    }
    auto table = MncLengthTable::builtin();
    if (!a.mnc_table.empty()) {
        std::ifstream in(a.mnc_table);
        if (!in) {
            std::fprintf(stderr, "enumq: cannot read %s\n", a.mnc_table.c_str());
            return kExitUsage;
        }
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (auto r = table.load(text); !r) {
            std::fprintf(stderr, "enumq: %s:%s\n", a.mnc_table.c_str(), r.error().substr(5).c_str());
            return kExitUsage;
        }
    }
    for (const auto& k : a.known_plmns) {
        auto p = Plmn::parse(k);
        if (!p) {
            std::fprintf(stderr, "enumq: %s\n", p.error().c_str());
            return kExitUsage;
        }
        table.add_plmn(*p);
    }
    std::vector<Plmn> readings;
    std::string basis;
    bool ambiguous = false;
    if (a.mnc_length != 0) {
        auto p = imsi_to_plmn(a.positional[0], a.mnc_length);
        if (!p) {
            std::fprintf(stderr, "enumq: %s\n", p.error().c_str());
            return kExitUsage;
        }
        readings.push_back(*p);
        basis = "given MNC length";
    } else {
        auto r = imsi_to_plmn(a.positional[0], table);
        if (!r) {
            std::fprintf(stderr, "enumq: %s\n", r.error().c_str());
            return kExitUsage;
        }
        ambiguous = r->ambiguous();
        if (r->plmn) {
            readings.push_back(*r->plmn);
            basis = r->basis == ImsiPlmn::Basis::PlmnOverride ? "known PLMN" : "MCC table";
        } else {
            readings = {r->two, r->three};
            basis = "ambiguous: the IMSI alone does not give the MNC length";
        }
    }
    if (a.json) {
        enumq::Json j;
        j.begin_object();
        j.key("imsi").str(a.positional[0]);
        j.key("ambiguous").boolean(ambiguous);
        j.key("basis").str(basis);
        j.key("plmns").begin_array();
        for (const auto& p : readings) {
            j.begin_object();
            j.key("plmn").str(p.to_text());
            j.key("mcc").str(p.mcc());
            j.key("mnc").str(p.mnc());
            j.key("epdg").str(epdg_fqdn(p));
            j.key("ims_domain").str(ims_domain(p));
            j.key("apn_operator_identifier").str(apn_operator_identifier(p));
            j.end_object();
        }
        j.end_array();
        j.end_object();
        std::cout << j.text() << "\n";
    } else {
        std::cout << "IMSI " << a.positional[0] << ": " << basis << "\n";
        for (const auto& p : readings) {
            std::cout << "  PLMN " << p.to_text() << "  ePDG " << epdg_fqdn(p) << "  IMS " << ims_domain(p) << "\n";
        }
    }
    return ambiguous ? kExitNoRecord : kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        Args a;
        if (!parse_args(argc, argv, a)) {
            usage();
            return kExitUsage;
        }
        if (a.command == "imsi") return run_imsi(a);
        std::string error;
        auto r = make_resolver(a, error);
        if (!r) {
            std::fprintf(stderr, "enumq: %s\n", error.c_str());
            return kExitUsage;
        }
        if (r->servers().empty()) {
            std::fprintf(stderr, "enumq: no DNS servers (%s has none; use --server)\n", r->server_source().c_str());
            return kExitUsage;
        }
        if (a.command == "sip") return run_sip(a, *r);
        if (a.command == "epdg") return run_epdg(a, *r);
        if (a.command == "snaptr") return run_snaptr(a, *r);
        return run_enum(a, *r);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "enumq: %s\n", e.what());
        return kExitUsage;
    }
}
