// enumq: ENUM lookups, RFC 3263 SIP server location and ePDG discovery
// from the command line, over the enumd client library.
//
//   enumq [enum] +61355500912 [--server 127.0.0.1:5353] [--suffix e164.arpa] [--service E2U+sip]
//   enumq sip sip:alice@ims.mnc001.mcc001.3gppnetwork.org      (or --sip URI)
//   enumq epdg --mcc 505 --mnc 01,02                          (or --epdg 505-01 505-02 ...)
//   enumq --epdg-country 505 [--mnc 01,02,03] [--visited]     (no --mnc: known operators)
// Common: --server ADDR (repeatable; default /etc/resolv.conf), --timeout MS,
// --json, --csv (epdg), --no-cache, -v (query trace).
//
//   enumq snaptr --apn internet --mcc 505 --mnc 01 --app-service x-3gpp-pgw --app-protocol x-s5-gtp
//   enumq names --mcc 505 --mnc 01 [--tac 0b1a] [--5gs-tac 0b1a21] [--lac 01ab]   (offline)
//   enumq imsi 505011234567890 [--mnc-length 2|3] [--known-plmn 405-854]
//
// Exit codes (tools/enumq/README.md): 0 ok, 1 bad input, 2 usage error, 3 no usable record (imsi: ambiguous),
// 4 timeout, 5 server failure (SERVFAIL, malformed), 6 NXDOMAIN, 7 REFUSED, 8 no server reachable.

#include <algorithm>
#include <cctype>
#include <limits>
#include <optional>
#include <string_view>
#include <type_traits>
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

#include "enumd/cli/command_line.hpp"
#include "enumd/numbering/e164.hpp"
#include "enumd/numbering/gpp_names.hpp"
#include "enumd/numbering/phone_number.hpp"
#include "enumd/resolver/epdg_select.hpp"
#include "enumd/resolver/stub.hpp"
#include "json.hpp"

using namespace enumd;
using namespace enumd::resolver;
using namespace enumd::numbering;

namespace {

// One table (README "Exit codes"): 2 is a usage error as in enumd and enumctl; the lookup outcomes start at 3.
constexpr int kExitOk = 0;
constexpr int kExitBadInput = 1;  ///< the NUMBER, URI, MCC-MNC, IMSI or DOMAIN looked up is not valid; a file
constexpr int kExitUsage = cli::kExitUsage;  ///< 2: the command line cannot be read (options, arguments)
constexpr int kExitNoRecord = 3;
constexpr int kExitTimeout = 4;
constexpr int kExitServFail = 5;
constexpr int kExitNxDomain = 6;
constexpr int kExitRefused = 7;
constexpr int kExitUnreachable = 8;
constexpr const char* kExitTable =
    "exit: 0 ok, 1 bad input (NUMBER, URI, MCC-MNC, IMSI, DOMAIN, file), 2 usage error, 3 no usable record\n"
    "      (imsi: ambiguous), 4 timeout, 5 servfail (SERVFAIL, malformed), 6 NXDOMAIN, 7 REFUSED,\n"
    "      8 unreachable (no server reachable: connection refused)";

/// The forms of an enumq command line (the help's description).
constexpr const char* kForms =
    "enumq: ENUM, SIP (RFC 3263), ePDG, S-NAPTR and IMSI lookups with the enumd client library.\n"
    "  enumq [enum] NUMBER [--suffix S]... [--service E2U+sip] [--legacy] [--failover] [--weighted] [--draws N]\n"
    "  enumq sip URI            | enumq --sip URI\n"
    "  enumq epdg --mcc MCC --mnc MNC[,MNC...] | enumq --epdg MCC-MNC [MCC-MNC...]\n"
    "  enumq epdg --imsi IMSI [--mnc-length 2|3] [--tac HEX] [--5gs-tac HEX] [--lac HEX] [--visited MCC]\n"
    "             [--registered MCC-MNC] [--selection-info MCC-MNC,...] [--ehplmn MCC-MNC,...] [--sos] [--methods M,...]\n"
    "  enumq --epdg-country MCC [--mnc MNC[,MNC...]] [--visited]  (no --mnc: the known operators of MCC)\n"
    "  enumq snaptr DOMAIN|--apn APN-NI --mcc MCC --mnc MNC --app-service S [--app-protocol P]\n"
    "              [--pair DOMAIN --pair-service S [--pair-protocol P]]\n"
    "  enumq names --mcc MCC --mnc MNC [--tac HEX] [--5gs-tac HEX] [--lac HEX] [--apn APN-NI]\n"
    "              [--amf-region HEX --amf-set HEX [--amf-pointer HEX]]  (offline: every TS 23.003 name)\n"
    "  enumq imsi IMSI [--mnc-length 2|3] [--known-plmn MCC-MNC]... [--mnc-table FILE]  (offline)";

/// A usage error found after parsing: what is missing, and where the help is.
void usage(const std::string& what) {
    std::fprintf(stderr, "enumq: %s\n(see enumq --help)\n", what.c_str());
}

struct Args {
    std::string command;  // enum | sip | epdg
    std::vector<std::string> positional;
    std::vector<std::string> servers;
    std::vector<std::string> suffixes;
    std::string service;
    std::string mcc;
    std::vector<std::string> mncs;
    numbering::SubstReading reading = numbering::SubstReading::Sed;
    bool legacy = false, failover = false, weighted = false, json = false, csv = false, no_cache = false,
         verbose = false, visited = false, country = false;
    std::optional<std::uint64_t> seed;
    unsigned timeout_ms = 800;
    unsigned long draws = 0;
    std::string app_service, app_protocol, apn;
    int mnc_length = 0;
    std::vector<std::string> known_plmns;
    std::string mnc_table;
    // names / epdg: TS 23.003 location inputs, as hex text
    std::string tac, tac_5gs, lac, amf_region, amf_set, amf_pointer;
    // snaptr: a second S-NAPTR lookup to pair with (TS 29.303 Annex C)
    std::string pair_domain, pair_service, pair_protocol;
    // epdg --imsi: Android-like selection (resolver/epdg_select.hpp)
    std::string imsi, registered, visited_mcc, methods;
    std::vector<std::string> selection_info, ehplmns;
    bool sos = false;
};

/// A hex option value ("0b1a", "0x0b1a") no wider than `max`.
std::optional<std::uint32_t> parse_hex(const std::string& name, const std::string& text, std::uint32_t max) {
    std::string_view t = text;
    if (t.starts_with("0x") || t.starts_with("0X")) t.remove_prefix(2);
    std::uint32_t v = 0;
    bool ok = !t.empty() && t.size() <= 8;
    for (char c : t) {
        int d = std::isdigit(static_cast<unsigned char>(c)) != 0 ? c - '0'
                : (c >= 'a' && c <= 'f')                       ? c - 'a' + 10
                : (c >= 'A' && c <= 'F')                       ? c - 'A' + 10
                                                               : -1;
        if (d < 0) ok = false;
        v = (v << 4U) | static_cast<std::uint32_t>(d < 0 ? 0 : d);
    }
    if (!ok || v > max) {
        std::fprintf(stderr, "enumq: %s '%s' must be hex, at most %x\n", name.c_str(), text.c_str(), max);
        return std::nullopt;
    }
    return v;
}

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

/// The command line (tools/cli/: CLI11, --help on stdout with exit 0); std::nullopt: go on, else the exit status.
/// Usage errors exit 2 like enumd's and enumctl's.
std::optional<int> parse_args(int argc, char** argv, Args& a) {
    CLI::App app(kForms);
    cli::configure(app, "enumq");
    app.footer(kExitTable);
    std::vector<std::string> mncs, selection_info, ehplmns;
    std::string visited;
    bool sip = false, epdg = false;
    std::string epdg_country;
    const char* kDns = "DNS (every lookup)";
    const char* kEnum = "ENUM (RFC 6116, RFC 3403)";
    const char* kGpp = "3GPP: ePDG, S-NAPTR, names, IMSI (TS 23.003, TS 29.303)";
    app.add_option("ARGS", a.positional, "the command (enum, sip, epdg, snaptr, names, imsi; default enum), then "
                                         "its NUMBER, URI, MCC-MNC..., DOMAIN or IMSI");
    cli::repeatable(app.add_option("-s,--server", a.servers, "DNS server to ask, repeatable (default: /etc/resolv.conf)")
        ->type_name("ADDR[:PORT]")->group(kDns));
    app.add_option("--timeout", a.timeout_ms, "per-query timeout in milliseconds (default 800)")
        ->type_name("MS")->check(cli::integer(1, 3'600'000))->group(kDns);
    app.add_flag("--no-cache", a.no_cache, "no answer cache between the queries of one lookup")->group(kDns);
    app.add_flag("-v,--verbose", a.verbose, "the query trace on stderr (and in --json)")->group(kDns);
    app.add_flag("--json", a.json, "one JSON object on stdout")->group(kDns);
    app.add_flag("--csv", a.csv, "CSV rows on stdout (epdg)")->group(kDns);
    cli::repeatable(app.add_option("--suffix", a.suffixes, "ENUM suffix to try, repeatable in order (default e164.arpa)")
        ->type_name("S")->group(kEnum));
    app.add_option("--service", a.service, "only NAPTRs of this enumservice, e.g. E2U+sip")->type_name("E2U+...")
        ->group(kEnum);
    app.add_flag("--legacy", a.legacy, "also take pre-RFC 3761 services (sip+E2U)")->group(kEnum);
    app.add_flag("--failover", a.failover, "every usable record in order, not only the best ORDER")->group(kEnum);
    app.add_flag("--weighted", a.weighted, "weighted choice among records of equal ORDER and PREFERENCE")
        ->group(kEnum);
    std::string partial_match = "sed";
    app.add_option("--partial-match", partial_match,
                   "a regexp that matches part of the number: sed keeps the unmatched rest (RFC 3402 sed-style, "
                   "default), replacement-only gives the replacement alone (Kamailio, Asterisk)")
        ->type_name("sed|replacement-only")->check(cli::one_of({"sed", "replacement-only"}))->group(kEnum);
    std::uint64_t seed = 0;
    app.add_option("--seed", seed, "seed of the random choice among equal records (repeatable runs)")
        ->type_name("N")->check(cli::integer(0, std::numeric_limits<std::uint64_t>::max()))->group(kEnum);
    app.add_option("--draws", a.draws, "count the first choice over N selections, at most 10000000")
        ->type_name("N")->check(cli::integer(0, 10'000'000))->group(kEnum);
    app.add_flag("--sip", sip, "RFC 3263 server location of the SIP URI given (as the sip command)")->group(kGpp);
    app.add_flag("--epdg", epdg, "ePDG addresses of the MCC-MNC arguments (as the epdg command)")->group(kGpp);
    app.add_option("--epdg-country", epdg_country, "ePDGs of a country: of --mnc, or of the known operators of MCC")
        ->type_name("MCC")->group(kGpp);
    app.add_option("--mcc", a.mcc, "mobile country code")->type_name("MCC")->group(kGpp);
    cli::repeatable(app.add_option("--mnc", mncs, "mobile network code(s), comma-separated or repeated")->type_name("MNC[,MNC...]")
        ->group(kGpp));
    app.add_option("--visited", visited,
                   "--epdg-country: the visited-country ePDG names; epdg --imsi: the country the phone is in")
        ->type_name("[MCC]")->expected(0, 1)->group(kGpp);
    app.add_option("--imsi", a.imsi, "epdg: the names a phone with this IMSI tries, in AOSP order")->group(kGpp);
    app.add_option("--mnc-length", a.mnc_length, "digits of the MNC in the IMSI")->type_name("2|3")
        ->check(cli::one_of({"2", "3"}))->group(kGpp);
    app.add_option("--registered", a.registered, "epdg --imsi: the PLMN the phone is registered in")
        ->type_name("MCC-MNC")->group(kGpp);
    cli::repeatable(app.add_option("--selection-info", selection_info, "epdg --imsi: the ePDG selection information PLMNs")
        ->type_name("MCC-MNC,...")->group(kGpp));
    cli::repeatable(app.add_option("--ehplmn", ehplmns, "epdg --imsi: equivalent home PLMNs")->type_name("MCC-MNC,...")->group(kGpp));
    app.add_option("--methods", a.methods, "epdg --imsi: visited-country, plmn, cellular-loc (comma-separated)")
        ->type_name("M,...")->group(kGpp);
    app.add_flag("--sos", a.sos, "epdg --imsi: the emergency (sos.) names")->group(kGpp);
    app.add_option("--tac", a.tac, "tracking area code (16 bits)")->type_name("HEX")->group(kGpp);
    app.add_option("--5gs-tac", a.tac_5gs, "5GS tracking area code (24 bits)")->type_name("HEX")->group(kGpp);
    app.add_option("--lac", a.lac, "location area code (16 bits)")->type_name("HEX")->group(kGpp);
    app.add_option("--amf-region", a.amf_region, "names: AMF region ID (8 bits)")->type_name("HEX")->group(kGpp);
    app.add_option("--amf-set", a.amf_set, "names: AMF set ID (10 bits)")->type_name("HEX")->group(kGpp);
    app.add_option("--amf-pointer", a.amf_pointer, "names: AMF pointer (6 bits)")->type_name("HEX")->group(kGpp);
    app.add_option("--apn", a.apn, "snaptr, names: the APN network identifier")->type_name("APN-NI")->group(kGpp);
    app.add_option("--app-service", a.app_service, "snaptr: the S-NAPTR application service, e.g. x-3gpp-pgw")
        ->type_name("S")->group(kGpp);
    app.add_option("--app-protocol", a.app_protocol, "snaptr: the application protocol, e.g. x-s5-gtp")
        ->type_name("P")->group(kGpp);
    app.add_option("--pair", a.pair_domain, "snaptr: a second S-NAPTR lookup to pair with (TS 29.303 Annex C)")
        ->type_name("DOMAIN")->group(kGpp);
    app.add_option("--pair-service", a.pair_service, "snaptr: the application service of --pair")->type_name("S")
        ->group(kGpp);
    app.add_option("--pair-protocol", a.pair_protocol, "snaptr: the application protocol of --pair")->type_name("P")
        ->group(kGpp);
    cli::repeatable(app.add_option("--known-plmn", a.known_plmns, "imsi: a PLMN known to exist, repeatable")->type_name("MCC-MNC")
        ->group(kGpp));
    app.add_option("--mnc-table", a.mnc_table, "imsi: an MNC table file instead of the shipped one")
        ->type_name("FILE")->group(kGpp);
    if (auto status = cli::parse(app, argc, argv)) return status;

    if (app.count("--seed") > 0) a.seed = seed;
    if (partial_match == "replacement-only") a.reading = numbering::SubstReading::ReplacementOnly;
    for (const auto& v : mncs)
        for (auto& m : split_commas(v)) a.mncs.push_back(m);
    for (const auto& v : selection_info)
        for (auto& p : split_commas(v)) a.selection_info.push_back(p);
    for (const auto& v : ehplmns)
        for (auto& p : split_commas(v)) a.ehplmns.push_back(p);
    if (app.count("--visited") > 0) {
        a.visited = true;
        // "--visited MCC" (epdg --imsi): the country the phone is in; anything else after it is an argument.
        if (visited.size() == 3 && is_mcc(visited))
            a.visited_mcc = visited;
        else if (!visited.empty())
            a.positional.push_back(visited);
    }
    static constexpr std::string_view kCommands[] = {"enum", "sip", "epdg", "snaptr", "imsi", "names"};
    if (!a.positional.empty() &&
        std::find(std::begin(kCommands), std::end(kCommands), a.positional.front()) != std::end(kCommands)) {
        a.command = a.positional.front();
        a.positional.erase(a.positional.begin());
    }
    if (sip) a.command = "sip";
    if (epdg) a.command = "epdg";
    if (!epdg_country.empty()) {
        a.command = "epdg";
        a.mcc = epdg_country;
        a.country = true;
    }
    if (a.command.empty()) a.command = "enum";
    return std::nullopt;
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
    case EnumOutcome::BadNumber: return kExitBadInput;
    case EnumOutcome::NxDomain: return kExitNxDomain;
    case EnumOutcome::NoUsable: return kExitNoRecord;
    case EnumOutcome::Timeout: return kExitTimeout;
    case EnumOutcome::ServFail: return kExitServFail;
    case EnumOutcome::Refused: return kExitRefused;
    case EnumOutcome::Unreachable: return kExitUnreachable;
    }
    return kExitBadInput;
}

int exit_for(LocateOutcome o) {
    switch (o) {
    case LocateOutcome::Ok: return kExitOk;
    case LocateOutcome::BadUri: return kExitBadInput;
    case LocateOutcome::NxDomain: return kExitNxDomain;
    case LocateOutcome::NotOffered:
    case LocateOutcome::NoAddress: return kExitNoRecord;
    case LocateOutcome::Timeout: return kExitTimeout;
    case LocateOutcome::ServFail: return kExitServFail;
    case LocateOutcome::Refused: return kExitRefused;
    case LocateOutcome::Unreachable: return kExitUnreachable;
    }
    return kExitBadInput;
}

/// The exit status of one query's status; a name that exists without an address is "no usable record".
int exit_for(LookupStatus s) {
    switch (s) {
    case LookupStatus::Ok:
    case LookupStatus::NoData: return kExitNoRecord;
    case LookupStatus::NxDomain: return kExitNxDomain;
    case LookupStatus::Timeout: return kExitTimeout;
    case LookupStatus::ServFail:
    case LookupStatus::Malformed: return kExitServFail;
    case LookupStatus::Refused: return kExitRefused;
    case LookupStatus::Unreachable: return kExitUnreachable;
    }
    return kExitBadInput;
}

/// What became of names that gave no address: the most telling failure of their queries (a failed or refusing
/// server over a missing name), else NXDOMAIN when the first query said so, else NODATA.
LookupStatus status_without_address(const std::vector<LookupStatus>& statuses) {
    FailureTally t;
    for (auto s : statuses) t.note(s);
    if (t.any()) return t.worst();
    return !statuses.empty() && statuses.front() == LookupStatus::NxDomain ? LookupStatus::NxDomain : LookupStatus::NoData;
}

/// The exit status when no name gave an address: the most telling failure of the queries, else `otherwise`.
int exit_for_failures(const std::vector<LookupStatus>& statuses, int otherwise) {
    FailureTally t;
    for (auto s : statuses) t.note(s);
    return t.any() ? exit_for(t.worst()) : otherwise;
}

/// "NXDOMAIN" -> "nxdomain", for the status column and field.
std::string lowercase(std::string_view text) {
    std::string out(text);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

/// "servers": the addresses asked, as a list, and where they came from ("explicit" or the resolv.conf path).
void json_servers(enumq::Json& j, const StubResolver& r) {
    j.key("servers").begin_array();
    for (const auto& sv : r.servers()) j.str(sv.to_string());
    j.end_array();
    j.key("servers_from").str(r.server_source());
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

struct NumberLookedUp {
    std::string digits;    ///< E.164 digits without '+'; empty when the text is not a number
    PhoneNumberInfo plan;  ///< what the numbering plans say of them (libphonenumber)
};

/// The number of an ENUM lookup as the numbering plans know it, and on stderr the warnings enumctl check gives for
/// such a number in a zone: a national form ("03 5550 0911") or a dial prefix before the country code
/// (dial-prefix), a number that cannot exist or is in no range its plan assigns (numbering-plan). The lookup goes
/// on as asked whatever they say: ENUM serves any digit string.
NumberLookedUp number_of(const std::string& text) {
    NumberLookedUp n;
    auto d = normalise_e164(text);
    if (!d) return n;
    n.digits = *d;
    n.plan = describe_e164(n.digits);
    if (auto w = dial_prefix_warning(n.digits)) {
        std::fprintf(stderr, "enumq: warning: %s [dial-prefix]\n", w->c_str());
        return n;
    }
    auto w = impossible_number_warning(n.digits, n.plan);
    if (!w) w = unassigned_number_warning(n.digits, n.plan);
    if (w) std::fprintf(stderr, "enumq: warning: %s [numbering-plan]\n", w->c_str());
    return n;
}

/// "number": what the numbering plans say of the number looked up (phone_number.hpp); {"parsed": false} and
/// nothing else when libphonenumber could not read it (or enumq could not: "e164" then missing too).
void json_number(enumq::Json& j, const std::string& digits, const PhoneNumberInfo& plan) {
    j.key("number").begin_object();
    if (!digits.empty()) j.key("e164").str("+" + digits);
    j.key("parsed").boolean(plan.parsed);
    if (plan.parsed) {
        j.key("international").str(plan.international);
        j.key("national").str(plan.national);
        j.key("region").str(plan.region);
        j.key("type").str(plan.type);
        j.key("possible").boolean(plan.possible);
        j.key("valid").boolean(plan.valid);
        if (!plan.why.empty()) j.key("why").str(plan.why);
    }
    j.end_object();
}

int run_enum(const Args& a, StubResolver& r) {
    if (a.positional.size() != 1) {
        usage("enum takes one NUMBER, got " + std::to_string(a.positional.size()) + " arguments");
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
    o.reading = a.reading;
    o.seed = a.seed;
    const auto [digits, plan] = number_of(a.positional[0]);
    auto res = r.enum_lookup_blocking(a.positional[0], o);
    std::string mode = std::string(a.failover ? "failover" : "rfc3403") + (a.weighted ? "+weighted" : "") +
                       (a.reading == numbering::SubstReading::Sed ? "" : "+replacement-only");
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
        json_number(j, digits, plan);
        j.key("outcome").str(to_string(res.outcome));
        if (!res.error.empty()) j.key("error").str(res.error);
        json_servers(j, r);
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
        return kExitBadInput;
    }
    if (!digits.empty()) {
        std::cout << ";; number: " << number_label(digits, plan)
                  << (plan.valid && !plan.national.empty() ? ", national " + plan.national : std::string()) << "\n";
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
        usage("sip takes one URI, got " + std::to_string(a.positional.size()) + " arguments");
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
        json_servers(j, r);
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

/// The registered cell's --tac, --5gs-tac and --lac (TS 23.003 §19.4.2.3 TAC 2 octets, §28.6 5GS TAC 3, LAC 2),
/// for epdg --imsi and names; false (and a message) on a bad one.
bool parse_cell(const Args& a, std::optional<std::uint16_t>& tac, std::optional<std::uint32_t>& tac_5gs,
                std::optional<std::uint16_t>& lac) {
    auto hex = [](const char* name, const std::string& text, std::uint32_t max, auto& out) {
        if (text.empty()) return true;
        auto v = parse_hex(name, text, max);
        if (v) out = static_cast<std::remove_reference_t<decltype(*out)>>(*v);
        return v.has_value();
    };
    return hex("--tac", a.tac, 0xffff, tac) && hex("--5gs-tac", a.tac_5gs, 0xffffff, tac_5gs) &&
           hex("--lac", a.lac, 0xffff, lac);
}

/// "505-01,234-15" options into PLMNs; false (and a message) on a bad one.
bool parse_plmns(const std::vector<std::string>& texts, std::vector<Plmn>& out) {
    for (const auto& t : texts) {
        auto p = Plmn::parse(t);
        if (!p) {
            std::fprintf(stderr, "enumq: %s\n", p.error().c_str());
            return false;
        }
        out.push_back(*p);
    }
    return true;
}

/// enumq epdg --imsi: the names a phone asks for, in AOSP EpdgSelector's
/// order (resolver/epdg_select.hpp), and what each resolves to.
int run_epdg_imsi(const Args& a, StubResolver& r) {
    EpdgSelectInput in;
    if (a.mnc_length != 0) {
        auto p = imsi_to_plmn(a.imsi, a.mnc_length);
        if (!p) {
            std::fprintf(stderr, "enumq: %s\n", p.error().c_str());
            return kExitBadInput;
        }
        in.home = *p;
    } else {
        auto p = imsi_to_plmn(a.imsi, MncLengthTable::builtin());
        if (!p) {
            std::fprintf(stderr, "enumq: %s\n", p.error().c_str());
            return kExitBadInput;
        }
        if (p->ambiguous()) {
            std::fprintf(stderr, "enumq: IMSI %s: MNC length ambiguous (%s or %s); give --mnc-length\n", a.imsi.c_str(),
                         p->two.to_text().c_str(), p->three.to_text().c_str());
            return kExitNoRecord;
        }
        in.home = *p->plmn;
    }
    std::vector<Plmn> reg;
    if (!parse_plmns(a.selection_info, in.selection_info) || !parse_plmns(a.ehplmns, in.ehplmns)) return kExitUsage;
    if (!a.registered.empty()) {
        if (!parse_plmns({a.registered}, reg)) return kExitUsage;
        in.registered = reg.front();
    }
    if (!a.visited_mcc.empty()) in.visited_mcc = a.visited_mcc;
    in.emergency = a.sos;
    if (!parse_cell(a, in.tac, in.tac_5gs, in.lac)) return kExitUsage;
    // Default methods: the visited country when one is given, the PLMN
    // names, the cell's names when a TAC or LAC is given.
    in.methods.clear();
    if (a.methods.empty()) {
        if (in.visited_mcc) in.methods.push_back(EpdgMethod::VisitedCountry);
        in.methods.push_back(EpdgMethod::Plmn);
        if (in.tac || in.tac_5gs || in.lac) in.methods.push_back(EpdgMethod::CellularLoc);
    } else {
        for (const auto& m : split_commas(a.methods)) {
            if (m == "plmn") {
                in.methods.push_back(EpdgMethod::Plmn);
            } else if (m == "cellular-loc") {
                in.methods.push_back(EpdgMethod::CellularLoc);
            } else if (m == "visited-country") {
                in.methods.push_back(EpdgMethod::VisitedCountry);
            } else {
                std::fprintf(stderr, "enumq: unknown method '%s' (plmn, cellular-loc, visited-country)\n", m.c_str());
                return kExitUsage;
            }
        }
    }
    auto res = r.select_epdg_blocking(in);
    int rc = kExitOk;
    if (res.addresses.empty()) {
        // A failed, refusing or unreachable server over a name that does not exist; NXDOMAIN when nothing failed.
        std::vector<LookupStatus> statuses;
        for (const auto& c : res.tried) statuses.push_back(c.status);
        rc = exit_for_failures(statuses, kExitNxDomain);
    }
    if (a.json) {
        enumq::Json j;
        j.begin_object();
        j.key("imsi").str(a.imsi);
        j.key("home").str(in.home->to_text());
        json_servers(j, r);
        j.key("tried").begin_array();
        for (const auto& c : res.tried) {
            j.begin_object();
            j.key("method").str(to_string(c.method));
            j.key("fqdn").str(c.fqdn);
            j.key("query").str(c.qtype);
            j.key("status").str(to_string(c.status));
            j.key(c.qtype == "NAPTR" ? "targets" : "addresses").begin_array();
            for (const auto& x : c.addresses) j.str(x);
            j.end_array();
            j.key("why").str(c.why);
            j.end_object();
        }
        j.end_array();
        j.key("addresses").begin_array();
        for (const auto& x : res.addresses) j.str(x);
        j.end_array();
        print_json(j, res.trace);
        return rc;
    }
    print_head(r, res.trace);
    std::cout << "IMSI " << a.imsi << ": home PLMN " << in.home->to_text() << (in.emergency ? ", emergency" : "")
              << "\nNames in the order a phone tries them (AOSP EpdgSelector):\n";
    int n = 1;
    for (const auto& c : res.tried) {
        std::string got;
        for (const auto& x : c.addresses) got += (got.empty() ? "" : " ") + x;
        if (got.empty()) got = std::string("(") + to_string(c.status) + ")";
        std::printf("%3d. %-15s %-5s %s\n       -> %s\n       why: %s\n", n++, to_string(c.method), c.qtype.c_str(),
                    c.fqdn.c_str(), got.c_str(), c.why.c_str());
    }
    std::cout << "Addresses IKE tries, in order:";
    for (const auto& x : res.addresses) std::cout << " " << x;
    std::cout << (res.addresses.empty() ? " none\n" : "\n");
    return rc;
}

int run_epdg(const Args& a, StubResolver& r) {
    if (!a.imsi.empty()) return run_epdg_imsi(a, r);
    struct Row {
        std::string plmn, fqdn;
        bool visited_country = false;  ///< the visited-country name of MCC (TS 23.003 §19.4.2.9), not an operator's
        std::vector<std::string> addresses;
        std::string status;
        std::string name;  // operator, when the shipped table knows it
    };
    std::vector<Row> rows;
    std::map<std::string, std::string> operator_names;  // plmn label -> operator
    // Operators: the MCC-MNC arguments (bad ones are bad input), then --mcc/--epdg-country with --mnc (options).
    std::vector<std::pair<std::string, int>> plmn_texts;  // text, exit status when it does not parse
    for (const auto& t : a.positional) plmn_texts.emplace_back(t, kExitBadInput);
    if (a.country && a.mncs.empty()) {
        // --epdg-country without --mnc: the operators the shipped table
        // (mobile-broadband-provider-info + E.212) knows in that country.
        if (auto bad = check_mcc(a.mcc)) {
            std::fprintf(stderr, "enumq: --epdg-country: %s\n", bad->c_str());
            return kExitUsage;
        }
        auto known = known_operators(a.mcc);
        if (known.empty()) {
            std::fprintf(stderr,
                         "enumq: --epdg-country %s needs --mnc MNC[,MNC...]: the MNC table knows no operator under "
                         "MCC %s%s\n",
                         a.mcc.c_str(), a.mcc.c_str(), a.visited ? "" : " (or add --visited for the country's own name)");
            return kExitUsage;
        }
        for (const auto& k : known) {
            plmn_texts.emplace_back(k.plmn.to_text(), kExitBadInput);
            operator_names[k.plmn.to_text()] = k.name;
        }
    }
    for (const auto& m : a.mncs) {
        if (a.mcc.empty()) {
            std::fprintf(stderr, "enumq: --mnc needs --mcc or --epdg-country\n");
            return kExitUsage;
        }
        plmn_texts.emplace_back(a.mcc + "-" + m, kExitUsage);
    }
    for (const auto& [t, status] : plmn_texts) {
        auto p = Plmn::parse(t);
        if (!p) {
            std::fprintf(stderr, "enumq: %s\n", p.error().c_str());
            return status;
        }
        Row row{p->to_text(), epdg_fqdn(*p), false, {}, "ok", {}};
        if (auto it = operator_names.find(row.plmn); it != operator_names.end()) row.name = it->second;
        rows.push_back(std::move(row));
    }
    if (a.visited) {
        auto f = epdg_visited_country_fqdn(a.mcc);
        if (!f) {
            std::fprintf(stderr, "enumq: --visited: %s\n", f.error().c_str());
            return kExitUsage;
        }
        rows.push_back(Row{a.mcc, *f, true, {}, "ok", {}});
    }
    if (rows.empty()) {
        usage("epdg needs operators: MCC-MNC arguments, --mcc MCC --mnc MNC, or --epdg-country MCC");
        return kExitUsage;
    }
    std::vector<LookupStatus> failures;  // of the rows without an address
    for (auto& row : rows) {
        auto name = dns::Name::from_text(row.fqdn + ".");
        std::vector<LookupStatus> statuses;
        for (auto type : {dns::RrType::A, dns::RrType::AAAA}) {
            auto ans = r.query_blocking(*name, type);
            statuses.push_back(ans.status);
            for (const auto& rr : ans.records) {
                if (auto addr = parse_address_rdata(rr.type, rr.rdata)) row.addresses.push_back(*addr);
            }
        }
        if (row.addresses.empty()) {
            auto st = status_without_address(statuses);
            failures.push_back(st);
            row.status = st == LookupStatus::NoData ? "no-address" : lowercase(to_string(st));
        }
    }
    if (a.json) {
        enumq::Json j;
        j.begin_object();
        json_servers(j, r);
        j.key("epdg").begin_array();
        for (const auto& row : rows) {
            j.begin_object();
            j.key("plmn");
            if (row.visited_country) j.null(); else j.str(row.plmn);
            j.key("mcc").str(row.plmn.substr(0, 3));
            j.key("visited_country").boolean(row.visited_country);
            j.key("fqdn").str(row.fqdn);
            j.key("status").str(row.status);
            if (!row.name.empty()) j.key("operator").str(row.name);
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
            auto label = row.visited_country ? row.plmn + " (visited country)" : row.plmn;
            if (row.addresses.empty()) std::cout << label << "," << row.fqdn << ",," << row.status << "\n";
            for (const auto& ad : row.addresses) std::cout << label << "," << row.fqdn << "," << ad << "," << row.status << "\n";
        }
    } else {
        std::cout << ";; DNS servers: " << r.describe_servers() << "\n";
        std::printf("%-22s %-55s %s\n", "PLMN", "ePDG FQDN", "addresses");
        for (const auto& row : rows) {
            std::string addrs;
            for (const auto& ad : row.addresses) addrs += (addrs.empty() ? "" : " ") + ad;
            if (addrs.empty()) addrs = "(" + row.status + ")";
            if (!row.name.empty()) addrs += "  [" + row.name + "]";
            auto label = row.visited_country ? row.plmn + " (visited country)" : row.plmn;
            std::printf("%-22s %-55s %s\n", label.c_str(), row.fqdn.c_str(), addrs.c_str());
        }
    }
    // Partial results still exit 0 when at least one operator resolved.
    if (failures.size() < rows.size()) return kExitOk;
    const bool no_address = std::find(failures.begin(), failures.end(), LookupStatus::NoData) != failures.end();
    return exit_for_failures(failures, no_address ? kExitNoRecord : kExitNxDomain);
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
        usage(domain.empty() ? "snaptr needs a DOMAIN, or --apn APN-NI --mcc MCC --mnc MNC" : "snaptr needs --app-service S");
        return kExitUsage;
    }
    if (domain.back() != '.') domain += '.';
    auto name = dns::Name::from_text(domain);
    if (!name) {
        std::fprintf(stderr, "enumq: %s\n", name.error().c_str());
        return kExitBadInput;
    }
    SnaptrOptions o;
    o.app_service = a.app_service;
    o.app_protocol = a.app_protocol;
    o.seed = a.seed;
    auto res = r.snaptr_blocking(*name, o);
    // TS 29.303 Annex C: a second candidate list (e.g. SGWs for the TAI when
    // the first is PGWs for the APN) and the node pair chosen from both.
    std::optional<SnaptrResult> pair_res;
    std::optional<NodePair> pair;
    std::string pair_domain = a.pair_domain;
    if (!pair_domain.empty()) {
        if (a.pair_service.empty()) {
            std::fprintf(stderr, "enumq: --pair needs --pair-service\n");
            return kExitUsage;
        }
        if (pair_domain.back() != '.') pair_domain += '.';
        auto pname = dns::Name::from_text(pair_domain);
        if (!pname) {
            std::fprintf(stderr, "enumq: %s\n", pname.error().c_str());
            return kExitUsage;
        }
        SnaptrOptions po = o;
        po.app_service = a.pair_service;
        po.app_protocol = a.pair_protocol;
        pair_res = r.snaptr_blocking(*pname, po);
        pair = select_node_pair(res.targets, pair_res->targets);
    }
    auto json_targets = [](enumq::Json& j, const std::vector<SnaptrTarget>& targets) {
        j.begin_array();
        for (const auto& t : targets) {
            j.begin_object();
            j.key("host").str(t.host);
            j.key("port").integer(t.port);
            j.key("address").str(t.address);
            j.key("service").str(t.service);
            j.key("order").integer(t.order);
            j.key("preference").integer(t.preference);
            if (t.port != 0) {
                j.key("srv_priority").integer(t.srv_priority);
                j.key("srv_weight").integer(t.srv_weight);
            }
            j.key("why").str(t.why);
            j.end_object();
        }
        j.end_array();
    };
    int rc = exit_for(res.outcome);
    if (pair_res && !pair) rc = exit_for(pair_res->outcome == LocateOutcome::Ok ? res.outcome : pair_res->outcome);
    if (a.json) {
        enumq::Json j;
        j.begin_object();
        j.key("domain").str(domain);
        j.key("outcome").str(to_string(res.outcome));
        json_servers(j, r);
        j.key("targets");
        json_targets(j, res.targets);
        if (pair_res) {
            j.key("pair_domain").str(pair_domain);
            j.key("pair_outcome").str(to_string(pair_res->outcome));
            j.key("pair_targets");
            json_targets(j, pair_res->targets);
            if (pair) {
                j.key("pair").begin_object();
                j.key("first").str(res.targets[pair->first].host);
                j.key("second").str(pair_res->targets[pair->second].host);
                j.key("collocated").boolean(pair->collocated);
                j.key("common_labels").integer(pair->common_labels);
                j.key("why").str(pair->why);
                j.end_object();
            }
        }
        auto trace = res.trace;
        if (pair_res) trace.insert(trace.end(), pair_res->trace.begin(), pair_res->trace.end());
        print_json(j, trace);
        return rc;
    }
    print_head(r, res.trace);
    auto print_targets = [](const std::vector<SnaptrTarget>& targets) {
        int n = 1;
        for (const auto& t : targets) {
            std::cout << "  " << n++ << ". " << t.host << (t.port != 0 ? ":" + std::to_string(t.port) : std::string())
                      << " -> " << t.address << "  (" << t.service << ", order " << t.order << ", pref "
                      << t.preference << ")\n"
                      << "       why: " << t.why << "\n";
        }
    };
    std::cout << "Outcome: " << to_string(res.outcome) << "\n";
    print_targets(res.targets);
    if (pair_res) {
        for (const auto& l : pair_res->trace) std::cout << ";; " << l << "\n";
        std::cout << "Pair candidates (" << pair_domain << "): " << to_string(pair_res->outcome) << "\n";
        print_targets(pair_res->targets);
        if (pair) {
            std::cout << "Chosen pair: " << res.targets[pair->first].host << " + "
                      << pair_res->targets[pair->second].host << "  (" << pair->why << ")\n";
        } else {
            std::cout << "Chosen pair: none (a list is empty)\n";
        }
    }
    return rc;
}

int run_names(const Args& a) {
    if (a.mcc.empty() || a.mncs.size() != 1 || !a.positional.empty()) {
        std::fprintf(stderr, "enumq: names needs --mcc and one --mnc\n");
        return kExitUsage;
    }
    auto plmn = Plmn::make(a.mcc, a.mncs[0]);
    if (!plmn) {
        std::fprintf(stderr, "enumq: %s\n", plmn.error().c_str());
        return kExitUsage;
    }
    GppNameInputs in;
    in.apn_ni = a.apn;
    // TAC 2 octets, 5GS TAC 3 (TS 23.003 §19.4.2.3, §28.6); LAC 2; AMF Region
    // 8 bits, Set 10, Pointer 6 (§2.10.1).
    if (!parse_cell(a, in.tac, in.tac_5gs, in.lac)) return kExitUsage;
    if (!a.amf_region.empty() || !a.amf_set.empty() || !a.amf_pointer.empty()) {
        if (a.amf_region.empty() || a.amf_set.empty()) {
            std::fprintf(stderr, "enumq: AMF names need --amf-region and --amf-set\n");
            return kExitUsage;
        }
        auto region = parse_hex("--amf-region", a.amf_region, 0xff);
        auto set = parse_hex("--amf-set", a.amf_set, 0x3ff);
        if (!region || !set) return kExitUsage;
        GppNameInputs::Amf amf{static_cast<std::uint8_t>(*region), static_cast<std::uint16_t>(*set), std::nullopt};
        if (!a.amf_pointer.empty()) {
            auto pt = parse_hex("--amf-pointer", a.amf_pointer, 0x3f);
            if (!pt) return kExitUsage;
            amf.pointer = static_cast<std::uint8_t>(*pt);
        }
        in.amf = amf;
    }
    auto names = gpp_names_for(*plmn, in);
    if (!names) {
        std::fprintf(stderr, "enumq: %s\n", names.error().c_str());
        return kExitUsage;
    }
    if (a.json) {
        enumq::Json j;
        j.begin_object();
        j.key("plmn").str(plmn->to_text());
        j.key("names").begin_array();
        for (const auto& n : *names) {
            j.begin_object();
            j.key("name").str(n.key);
            j.key("fqdn").str(n.fqdn);
            j.key("clause").str(n.clause);
            j.end_object();
        }
        j.end_array();
        j.end_object();
        std::cout << j.text() << "\n";
        return kExitOk;
    }
    std::cout << "PLMN " << plmn->to_text() << "\n";
    std::printf("%-26s %-80s %s\n", "name", "FQDN", "defined in");
    for (const auto& n : *names) std::printf("%-26s %-80s %s\n", n.key.c_str(), n.fqdn.c_str(), n.clause.c_str());
    return kExitOk;
}

int run_imsi(const Args& a) {
    if (a.positional.size() != 1) {
        usage("imsi takes one IMSI, got " + std::to_string(a.positional.size()) + " arguments");
        return kExitUsage;
    }
    auto table = MncLengthTable::builtin();
    if (!a.mnc_table.empty()) {
        std::ifstream in(a.mnc_table);
        if (!in) {
            std::fprintf(stderr, "enumq: cannot read %s\n", a.mnc_table.c_str());
            return kExitBadInput;
        }
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (auto r = table.load(text); !r) {
            std::fprintf(stderr, "enumq: %s:%s\n", a.mnc_table.c_str(), r.error().substr(5).c_str());
            return kExitBadInput;
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
            return kExitBadInput;
        }
        readings.push_back(*p);
        basis = "given MNC length";
    } else {
        auto r = imsi_to_plmn(a.positional[0], table);
        if (!r) {
            std::fprintf(stderr, "enumq: %s\n", r.error().c_str());
            return kExitBadInput;
        }
        ambiguous = r->ambiguous();
        basis = to_string(r->basis);
        if (r->plmn) {
            readings.push_back(*r->plmn);
        } else {
            readings = {r->two, r->three};
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
        if (auto status = parse_args(argc, argv, a)) return *status;
        if (a.command == "imsi") return run_imsi(a);
        if (a.command == "names") return run_names(a);
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
        return kExitBadInput;
    }
}
