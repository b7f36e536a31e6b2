#include "enumd/resolver/sip_locate.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "enumd/resolver/budget.hpp"
#include "enumd/resolver/naptr.hpp"

namespace enumd::resolver {

namespace asio = boost::asio;
using dns::make_error;
using dns::Result;

const char* to_string(SipTransport t) noexcept {
    switch (t) {
    case SipTransport::Udp: return "udp";
    case SipTransport::Tcp: return "tcp";
    case SipTransport::Tls: return "tls";
    }
    return "?";
}

const char* to_string(LocateOutcome o) noexcept {
    switch (o) {
    case LocateOutcome::Ok: return "ok";
    case LocateOutcome::BadUri: return "bad-uri";
    case LocateOutcome::NotOffered: return "not-offered";
    case LocateOutcome::NxDomain: return "nxdomain";
    case LocateOutcome::NoAddress: return "no-address";
    case LocateOutcome::Timeout: return "timeout";
    case LocateOutcome::ServFail: return "servfail";
    case LocateOutcome::Refused: return "refused";
    case LocateOutcome::Unreachable: return "unreachable";
    }
    return "?";
}

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool is_ip(const std::string& host) {
    unsigned char buf[16];
    return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

std::uint16_t default_port(SipTransport t) { return t == SipTransport::Tls ? 5061 : 5060; }  // RFC 3261 §19.1.2

const char* srv_prefix(SipTransport t) {
    switch (t) {
    case SipTransport::Udp: return "_sip._udp";
    case SipTransport::Tcp: return "_sip._tcp";
    case SipTransport::Tls: return "_sips._tcp";
    }
    return "";
}

}  // namespace

Result<SipUri> parse_sip_uri(std::string_view text) {
    SipUri u;
    std::string t = lower(text.substr(0, std::min<std::size_t>(text.size(), 5)));
    std::string_view rest;
    if (t.starts_with("sips:")) {
        u.sips = true;
        rest = text.substr(5);
    } else if (t.starts_with("sip:")) {
        rest = text.substr(4);
    } else {
        return make_error("not a sip: or sips: URI: '" + std::string(text) + "'");
    }
    if (auto q = rest.find('?'); q != std::string_view::npos) rest = rest.substr(0, q);
    if (auto at = rest.rfind('@'); at != std::string_view::npos) {
        u.user = std::string(rest.substr(0, at));
        rest = rest.substr(at + 1);
    }
    std::string_view hostport = rest.substr(0, rest.find(';'));
    std::string_view params = rest.size() > hostport.size() ? rest.substr(hostport.size() + 1) : std::string_view{};
    std::string_view portpart;
    if (hostport.starts_with("[")) {
        auto close = hostport.find(']');
        if (close == std::string_view::npos) return make_error("unterminated IPv6 reference");
        u.host = std::string(hostport.substr(1, close - 1));
        portpart = hostport.substr(close + 1);
        if (!portpart.empty() && portpart[0] != ':') return make_error("junk after IPv6 reference");
    } else {
        auto colon = hostport.find(':');
        u.host = std::string(hostport.substr(0, colon));
        if (colon != std::string_view::npos) portpart = hostport.substr(colon);
    }
    if (!portpart.empty()) {
        auto digits = portpart.substr(1);
        if (digits.empty() || digits.size() > 5 ||
            !std::all_of(digits.begin(), digits.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; })) {
            return make_error("bad port in '" + std::string(text) + "'");
        }
        int p = std::stoi(std::string(digits));
        if (p < 1 || p > 65535) return make_error("port out of range");
        u.port = static_cast<std::uint16_t>(p);
    }
    if (u.host.empty()) return make_error("no host in '" + std::string(text) + "'");
    u.numeric = is_ip(u.host);
    while (!params.empty()) {
        auto semi = params.find(';');
        auto p = lower(params.substr(0, semi));
        params = semi == std::string_view::npos ? std::string_view{} : params.substr(semi + 1);
        if (p.starts_with("maddr=") && p.size() > 6) {
            // RFC 3263 §4: the TARGET is the maddr parameter when present.
            std::string m = p.substr(6);
            if (m.size() > 2 && m.front() == '[' && m.back() == ']') m = m.substr(1, m.size() - 2);
            u.host = m;
            u.numeric = is_ip(u.host);
        } else if (p.starts_with("transport=")) {
            auto v = p.substr(10);
            if (v == "udp") {
                u.transport = SipTransport::Udp;
            } else if (v == "tcp") {
                u.transport = u.sips ? SipTransport::Tls : SipTransport::Tcp;  // RFC 3261 §26.2.2
            } else if (v == "tls") {
                u.transport = SipTransport::Tls;
            } else {
                return make_error("unsupported transport '" + v + "'");
            }
        }
    }
    if (u.sips && u.transport == SipTransport::Udp) return make_error("sips: over UDP is not allowed");
    return u;
}

std::vector<std::size_t> order_srv(const std::vector<SrvRecord>& srv, Rng& rng) {
    std::map<std::uint16_t, std::vector<std::size_t>> tiers;
    for (std::size_t i = 0; i < srv.size(); ++i) tiers[srv[i].priority].push_back(i);
    std::vector<std::size_t> out;
    for (auto& [prio, idx] : tiers) {
        std::vector<std::uint16_t> w;
        for (auto i : idx) w.push_back(srv[i].weight);
        for (auto k : rfc2782_order(w, rng)) out.push_back(idx[k]);
    }
    return out;
}

namespace {

struct Tally : FailureTally {
    bool nxdomain = false;
    bool not_offered = false;
    bool names_found = false;
};

void trace_line(std::vector<std::string>& trace, std::string& server, const char* type, const dns::Name& name,
                const Answer& a) {
    trace.push_back(std::string(type) + " " + name.to_text() + " @" + a.server + " -> " + to_string(a.status) + " (" +
                    std::to_string(a.records.size()) + " records" + (a.from_cache ? ", cached" : "") + ")");
    if (server.empty()) server = a.server;
}

/// A then AAAA for `host`; appends one target per address.
template <typename Push>
asio::awaitable<void> resolve_addresses(DnsLookup& dns, const dns::Name& host, bool ipv6, std::vector<std::string>& trace,
                                        std::string& server, Tally& tally, Push push) {
    for (auto type : {dns::RrType::A, dns::RrType::AAAA}) {
        if (type == dns::RrType::AAAA && !ipv6) continue;
        Answer a = co_await dns.query(host, type);
        trace_line(trace, server, type == dns::RrType::A ? "A" : "AAAA", host, a);
        tally.note(a.status);
        if (a.status == LookupStatus::NxDomain) tally.nxdomain = true;
        for (const auto& rr : a.records) {
            if (auto addr = parse_address_rdata(rr.type, rr.rdata)) push(*addr);
        }
    }
}

enum class SrvOutcome { Found, NotOffered, None };

/// SRV at `name`, ordered per RFC 2782, each target resolved to addresses;
/// `push(host, port, address, &srv_record)`.
template <typename Push>
asio::awaitable<SrvOutcome> resolve_srv_records(DnsLookup& dns, const dns::Name& name, bool ipv6, Rng& rng,
                                                std::vector<std::string>& trace, std::string& server, Tally& tally,
                                                Push push) {
    Answer a = co_await dns.query(name, dns::RrType::SRV);
    trace_line(trace, server, "SRV", name, a);
    tally.note(a.status);
    std::vector<SrvRecord> srv;
    for (const auto& rr : a.records) {
        if (auto s = parse_srv_rdata(rr.rdata)) srv.push_back(*s);
    }
    if (srv.empty()) co_return SrvOutcome::None;
    if (srv.size() == 1 && srv[0].target.is_root()) {  // RFC 2782: "." = decidedly not available
        trace.push_back("SRV " + name.to_text() + ": target \".\", service not offered");
        tally.not_offered = true;
        co_return SrvOutcome::NotOffered;
    }
    tally.names_found = true;
    for (auto i : order_srv(srv, rng)) {
        if (srv[i].target.is_root()) continue;
        const auto& s = srv[i];
        co_await resolve_addresses(dns, s.target, ipv6, trace, server, tally,
                                   [&](const std::string& addr) { push(s.target, s.port, addr, &s); });
    }
    co_return SrvOutcome::Found;
}

/// SRV at `name`, ordered per RFC 2782, each target resolved to addresses.
template <typename Push>
asio::awaitable<SrvOutcome> resolve_srv(DnsLookup& dns, const dns::Name& name, bool ipv6, Rng& rng,
                                        std::vector<std::string>& trace, std::string& server, Tally& tally, Push push) {
    co_return co_await resolve_srv_records(
        dns, name, ipv6, rng, trace, server, tally,
        [&](const dns::Name& h, std::uint16_t port, const std::string& addr, const SrvRecord*) { push(h, port, addr); });
}

LocateOutcome finish(bool any, const Tally& t) {
    if (any) return LocateOutcome::Ok;
    if (t.not_offered) return LocateOutcome::NotOffered;
    switch (t.worst()) {
    case LookupStatus::Timeout: return LocateOutcome::Timeout;
    case LookupStatus::Unreachable: return LocateOutcome::Unreachable;
    case LookupStatus::Refused: return LocateOutcome::Refused;
    case LookupStatus::ServFail: return LocateOutcome::ServFail;
    default: break;
    }
    if (t.nxdomain && !t.names_found) return LocateOutcome::NxDomain;
    return LocateOutcome::NoAddress;
}

std::optional<SipTransport> naptr_transport(std::string_view service) {
    // RFC 3263 §4.1 and its IANA registry.
    auto s = lower(service);
    if (s == "sip+d2u") return SipTransport::Udp;
    if (s == "sip+d2t") return SipTransport::Tcp;
    if (s == "sips+d2t") return SipTransport::Tls;
    return std::nullopt;
}

}  // namespace

asio::awaitable<SipLocateResult> locate_unbudgeted(DnsLookup& dns, std::string uri_text,
                                                  const SipLocateOptions& options) {
    SipLocateResult res;
    auto uri = parse_sip_uri(uri_text);
    if (!uri) {
        res.outcome = LocateOutcome::BadUri;
        res.error = uri.error();
        co_return res;
    }
    Rng rng(options.seed ? *options.seed : fresh_seed());
    auto supported = [&](SipTransport t) {
        return std::find(options.transports.begin(), options.transports.end(), t) != options.transports.end();
    };
    SipTransport fallback = uri->sips ? SipTransport::Tls : SipTransport::Udp;
    SipTransport transport = uri->transport.value_or(fallback);

    // §4.1/§4.2: a numeric host is used as it is.
    if (uri->numeric) {
        res.targets.push_back({transport, uri->host, uri->port.value_or(default_port(transport)), uri->host});
        res.outcome = LocateOutcome::Ok;
        res.trace.push_back("numeric host: no DNS");
        co_return res;
    }
    auto host = dns::Name::from_text(uri->host.back() == '.' ? uri->host : uri->host + ".");
    if (!host) {
        res.outcome = LocateOutcome::BadUri;
        res.error = "bad host name: " + host.error();
        co_return res;
    }
    Tally tally;
    auto push_addr = [&](SipTransport t, const dns::Name& h, std::uint16_t port) {
        return [&res, t, h, port](const std::string& addr) {
            std::string name = h.to_text();
            if (name.size() > 1) name.pop_back();
            res.targets.push_back({t, name, port, addr});
        };
    };

    // §4.2: an explicit port means A/AAAA only — no NAPTR, no SRV.
    if (uri->port) {
        res.trace.push_back("explicit port " + std::to_string(*uri->port) + ": A/AAAA only (RFC 3263 §4.2)");
        co_await resolve_addresses(dns, *host, options.ipv6, res.trace, res.server, tally,
                                   push_addr(transport, *host, *uri->port));
        res.outcome = finish(!res.targets.empty(), tally);
        co_return res;
    }

    auto srv_then_addresses = [&](SipTransport t) -> asio::awaitable<SrvOutcome> {
        auto rel = dns::Name::from_text(std::string(srv_prefix(t)), &*host);
        if (!rel) co_return SrvOutcome::None;
        co_return co_await resolve_srv(dns, *rel, options.ipv6, rng, res.trace, res.server, tally,
                                       [&](const dns::Name& h, std::uint16_t port, const std::string& addr) {
                                           push_addr(t, h, port)(addr);
                                       });
    };

    if (uri->transport) {
        // §4.2: transport known, no port: SRV for it, else A/AAAA.
        auto o = co_await srv_then_addresses(transport);
        if (o == SrvOutcome::None) {
            co_await resolve_addresses(dns, *host, options.ipv6, res.trace, res.server, tally,
                                       push_addr(transport, *host, default_port(transport)));
        }
        res.outcome = finish(!res.targets.empty(), tally);
        co_return res;
    }

    // §4.1: NAPTR.
    Answer na = co_await dns.query(*host, dns::RrType::NAPTR);
    trace_line(res.trace, res.server, "NAPTR", *host, na);
    tally.note(na.status);
    struct Cand {
        NaptrRecord rr;
        SipTransport t;
    };
    std::vector<Cand> cands;
    for (const auto& rr : na.records) {
        auto n = parse_naptr_rdata(rr.rdata);
        if (!n) continue;
        auto t = naptr_transport(n->services);
        if (!t || lower(n->flags) != "s" || n->replacement.is_root() || !supported(*t)) continue;
        if (uri->sips && *t != SipTransport::Tls) {
            res.trace.push_back("NAPTR " + n->services + ": not SIPS, discarded for a sips: URI");
            continue;
        }
        cands.push_back({*n, *t});
    }
    std::stable_sort(cands.begin(), cands.end(), [](const Cand& a, const Cand& b) {
        return a.rr.order != b.rr.order ? a.rr.order < b.rr.order : a.rr.preference < b.rr.preference;
    });
    if (!cands.empty()) {
        for (const auto& c : cands) {
            co_await resolve_srv(dns, c.rr.replacement, options.ipv6, rng, res.trace, res.server, tally,
                                 [&](const dns::Name& h, std::uint16_t port, const std::string& addr) {
                                     push_addr(c.t, h, port)(addr);
                                 });
        }
        res.outcome = finish(!res.targets.empty(), tally);
        co_return res;
    }
    if (na.status == LookupStatus::NxDomain) tally.nxdomain = true;

    // No NAPTR: SRV per supported transport (_sips for sips: URIs).
    bool any_srv = false;
    for (auto t : options.transports) {
        if (uri->sips && t != SipTransport::Tls) continue;
        auto o = co_await srv_then_addresses(t);
        any_srv = any_srv || o != SrvOutcome::None;
    }
    if (!any_srv) {
        // No SRV: A/AAAA on the default port (UDP for sip, TLS for sips).
        co_await resolve_addresses(dns, *host, options.ipv6, res.trace, res.server, tally,
                                   push_addr(fallback, *host, default_port(fallback)));
    }
    res.outcome = finish(!res.targets.empty(), tally);
    co_return res;
}

// ---------------------------------------------------------------------------

namespace {

asio::awaitable<void> snaptr_expand(DnsLookup& dns, const dns::Name& domain, const SnaptrOptions& opts, Rng& rng,
                                    SnaptrResult& res, Tally& tally, std::set<std::string>& visited, unsigned depth) {
    visited.insert(domain.lowercased().to_text());
    Answer na = co_await dns.query(domain, dns::RrType::NAPTR);
    std::string server;
    trace_line(res.trace, server, "NAPTR", domain, na);
    tally.note(na.status);
    if (na.status == LookupStatus::NxDomain) tally.nxdomain = true;
    std::vector<NaptrRecord> recs;
    for (const auto& rr : na.records) {
        auto n = parse_naptr_rdata(rr.rdata);
        if (n) recs.push_back(*n);
    }
    std::stable_sort(recs.begin(), recs.end(), [](const NaptrRecord& a, const NaptrRecord& b) {
        return a.order != b.order ? a.order < b.order : a.preference < b.preference;
    });
    for (const auto& n : recs) {
        std::string flags = lower(n.flags);
        if (!n.regexp.empty() || n.replacement.is_root()) continue;  // RFC 3958 §2.2: no regexp in S-NAPTR
        bool service_ok = false;
        if (!n.services.empty()) {
            auto svc = parse_snaptr_service(n.services);
            if (svc && svc->app_service == lower(opts.app_service)) {
                service_ok = opts.app_protocol.empty() ||
                             std::find(svc->app_protocols.begin(), svc->app_protocols.end(), lower(opts.app_protocol)) !=
                                 svc->app_protocols.end();
            }
        }
        std::string naptr_why = "NAPTR " + std::to_string(n.order) + " " + std::to_string(n.preference) + " \"" +
                                n.flags + "\" \"" + n.services + "\" at " + domain.to_text();
        auto push = [&](const dns::Name& h, std::uint16_t port, const std::string& addr, const SrvRecord* srv) {
            std::string name = h.to_text();
            if (name.size() > 1) name.pop_back();
            std::string why = naptr_why;
            if (srv != nullptr) {
                why += " -> SRV priority " + std::to_string(srv->priority) + " weight " + std::to_string(srv->weight) +
                       " port " + std::to_string(srv->port);
            }
            res.targets.push_back({name, port, addr, n.services, n.order, n.preference,
                                   srv != nullptr ? srv->priority : std::uint16_t{0},
                                   srv != nullptr ? srv->weight : std::uint16_t{0}, std::move(why)});
        };
        // TS 29.303 §5.1.1 / RFC 3958 §2.2.1: "s" → SRV (RFC 2782 priority
        // and weights), "a" → A/AAAA, "" → NAPTR again at the replacement.
        if (flags == "s" && service_ok) {
            co_await resolve_srv_records(dns, n.replacement, opts.ipv6, rng, res.trace, server, tally, push);
        } else if (flags == "a" && service_ok) {
            tally.names_found = true;
            co_await resolve_addresses(dns, n.replacement, opts.ipv6, res.trace, server, tally,
                                       [&](const std::string& addr) { push(n.replacement, 0, addr, nullptr); });
        } else if (flags.empty() && (n.services.empty() || service_ok)) {
            if (depth + 1 > opts.max_nonterminal_depth) {
                res.trace.push_back("S-NAPTR chain too long at " + n.replacement.to_text());
                continue;
            }
            if (visited.count(n.replacement.lowercased().to_text()) != 0) {
                res.trace.push_back("S-NAPTR loop at " + n.replacement.to_text());
                continue;
            }
            co_await snaptr_expand(dns, n.replacement, opts, rng, res, tally, visited, depth + 1);
        }
    }
}

}  // namespace

asio::awaitable<SnaptrResult> snaptr_resolve(DnsLookup& dns, dns::Name domain, SnaptrOptions options) {
    SnaptrResult res;
    Rng rng(options.seed ? *options.seed : fresh_seed());
    Tally tally;
    std::set<std::string> visited;
    BudgetedLookup budgeted(dns, options.budget);
    co_await snaptr_expand(budgeted, domain, options, rng, res, tally, visited, 0);
    res.outcome = finish(!res.targets.empty(), tally);
    if (budgeted.exhausted()) res.trace.push_back(budgeted.reason());
    co_return res;
}

// ---------------------------------------------------------------------------

namespace {

std::vector<std::string_view> labels_of(std::string_view name) {
    if (!name.empty() && name.back() == '.') name.remove_suffix(1);
    std::vector<std::string_view> out;
    while (!name.empty()) {
        auto dot = name.find('.');
        out.push_back(name.substr(0, dot));
        if (dot == std::string_view::npos) break;
        name.remove_prefix(dot + 1);
    }
    return out;
}

bool label_equal(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

}  // namespace

CanonicalNodeName parse_canonical_node_name(std::string_view host) {
    // TS 29.303 §4.3.2: a canonical node name starts with "topon" or
    // "topoff", then a label naming the interface, then the node's name.
    CanonicalNodeName c;
    std::string name = lower(host);
    if (!name.empty() && name.back() == '.') name.pop_back();
    c.rest = name;
    c.node = name;
    auto dot = name.find('.');
    std::string first = name.substr(0, dot);
    if (dot == std::string::npos || (first != "topon" && first != "topoff")) return c;
    c.canonical = true;
    c.topon = first == "topon";
    c.rest = name.substr(dot + 1);
    auto dot2 = c.rest.find('.');
    c.node = dot2 == std::string::npos ? c.rest : c.rest.substr(dot2 + 1);
    return c;
}

unsigned common_suffix_labels(std::string_view a, std::string_view b) {
    auto la = labels_of(a), lb = labels_of(b);
    unsigned n = 0;
    while (n < la.size() && n < lb.size() && label_equal(la[la.size() - 1 - n], lb[lb.size() - 1 - n])) ++n;
    return n;
}

std::optional<NodePair> select_node_pair(const std::vector<SnaptrTarget>& first,
                                         const std::vector<SnaptrTarget>& second) {
    if (first.empty() || second.empty()) return std::nullopt;
    // One entry per node name, at its best rank (a host has several addresses).
    auto distinct = [](const std::vector<SnaptrTarget>& list) {
        std::vector<std::size_t> idx;
        std::set<std::string> seen;
        for (std::size_t i = 0; i < list.size(); ++i) {
            if (seen.insert(lower(list[i].host)).second) idx.push_back(i);
        }
        return idx;
    };
    auto ia = distinct(first), ib = distinct(second);
    struct Score {
        int kind = 0;  // 2 collocated, 1 topon closeness, 0 rank only
        unsigned labels = 0;
        std::size_t rank_sum = 0, rank_a = 0;
    };
    auto better = [](const Score& x, const Score& y) {
        if (x.kind != y.kind) return x.kind > y.kind;
        if (x.labels != y.labels) return x.labels > y.labels;
        if (x.rank_sum != y.rank_sum) return x.rank_sum < y.rank_sum;
        return x.rank_a < y.rank_a;
    };
    std::optional<Score> best;
    NodePair pair;
    for (std::size_t ra = 0; ra < ia.size(); ++ra) {
        auto ca = parse_canonical_node_name(first[ia[ra]].host);
        for (std::size_t rb = 0; rb < ib.size(); ++rb) {
            auto cb = parse_canonical_node_name(second[ib[rb]].host);
            Score s;
            s.rank_sum = ra + rb;
            s.rank_a = ra;
            s.labels = common_suffix_labels(ca.rest, cb.rest);
            // TS 29.303 Annex C: the same node behind two interfaces — the
            // names agree once topon/topoff and the interface label are gone.
            if (ca.canonical && cb.canonical && ca.node == cb.node) {
                s.kind = 2;
            } else if (ca.topon && cb.topon) {
                s.kind = 1;  // TS 29.303 §4.3.2: only "topon" names take part in topology matching
            } else {
                s.labels = 0;
            }
            if (!best || better(s, *best)) {
                best = s;
                pair.first = ia[ra];
                pair.second = ib[rb];
                pair.collocated = s.kind == 2;
                pair.common_labels = s.kind == 0 ? 0 : s.labels;
            }
        }
    }
    const auto& a = first[pair.first];
    const auto& b = second[pair.second];
    if (pair.collocated) {
        pair.why = "collocated: " + a.host + " and " + b.host + " name one node (" +
                   parse_canonical_node_name(a.host).node + ")";
    } else if (best->kind == 1) {
        pair.why = "topologically closest topon pair: " + std::to_string(pair.common_labels) + " common labels";
    } else {
        pair.why = "no collocated or topon pair: the best-ranked candidates";
    }
    return pair;
}

asio::awaitable<SipLocateResult> locate_sip_server(DnsLookup& dns, std::string uri_text, SipLocateOptions options) {
    BudgetedLookup budgeted(dns, options.budget);
    SipLocateResult res = co_await locate_unbudgeted(budgeted, std::move(uri_text), options);
    if (budgeted.exhausted()) res.trace.push_back(budgeted.reason());
    co_return res;
}

}  // namespace enumd::resolver
