#include "enumd/resolver/stub.hpp"

#include <algorithm>
#include <array>
#include <fstream>
#include <sstream>

#include "enumd/dns/rdata.hpp"
#include "enumd/dns/wire.hpp"

namespace enumd::resolver {

namespace asio = boost::asio;

std::vector<ServerAddress> read_resolv_conf(const std::string& path) {
    std::vector<ServerAddress> out;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream ls(line);
        std::string key, value;
        ls >> key >> value;
        if (key != "nameserver" || value.empty()) continue;
        // resolv.conf addresses may carry a scope ("fe80::1%eth0"); keep them as given.
        if (auto s = parse_server(value)) out.push_back(*s);
    }
    return out;
}

std::vector<std::uint8_t> build_query(std::uint16_t id, const dns::Name& qname, dns::RrType qtype,
                                      std::uint16_t edns_size) {
    Request r;
    r.qname = qname;
    r.qtype = qtype;
    r.flags = dns::flags::RD;
    r.edns_size = edns_size;
    return build_request(id, r, true);
}

namespace {

/// SOA MINIMUM and TTL for negative caching (RFC 2308 §5).
std::optional<std::uint32_t> soa_negative_ttl(const dns::RecordView& rr) {
    auto t = dns::soa_timers(rr.rdata);  // the names come first: compressed rdata is fine
    if (!t) return std::nullopt;
    return std::min(t->minimum, rr.ttl);
}

}  // namespace

ParsedResponse parse_response(std::span<const std::uint8_t> packet, std::uint16_t id, const dns::Name& qname,
                              dns::RrType qtype) {
    ParsedResponse out;
    dns::MessageView m;
    if (dns::parse_message(packet, m) == dns::MessageParse::Short) return out;  // the one walk (dns/)
    const dns::Header& h = m.header;
    if (!h.qr() || h.id != id || h.qdcount != 1 || !m.has_question) return out;
    const dns::Question& q = m.question;
    if (!q.qname.equals(qname) || q.qtype != qtype || q.qclass != 1) return out;
    out.matches = true;
    out.truncated = h.has(dns::flags::TC);
    Answer& a = out.answer;
    if (m.records_read < h.ancount) {
        a.status = LookupStatus::Malformed;
        a.detail = "answer section does not parse";
        return out;
    }
    // Authority and additional records are used as far as they parse.
    std::vector<dns::RecordView> answers, authority, additional;
    dns::MessageView::Records records(packet, m.question_end, m.records_read);
    for (dns::RecordView rv; records.next(rv);) {
        std::size_t index = answers.size() + authority.size() + additional.size();
        (index < h.ancount ? answers : index < std::size_t{h.ancount} + h.nscount ? authority : additional).push_back(rv);
    }

    auto to_rr = [&](const dns::RecordView& v) -> std::optional<Rr> {
        std::array<std::uint8_t, 65535> buf;  // NOLINT: large but on the coroutine frame only once per record
        auto n = dns::decompress_rdata(packet, v, buf);
        if (!n) return std::nullopt;
        return Rr{v.owner, v.type, v.ttl, std::vector<std::uint8_t>(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(*n))};
    };

    // Follow the CNAME chain from the question name (at most 8 links).
    dns::Name current = qname;
    for (int hop = 0; hop < 8; ++hop) {
        bool moved = false;
        for (const auto& v : answers) {
            if (v.type == dns::RrType::CNAME && qtype != dns::RrType::CNAME && v.owner.equals(current)) {
                if (auto rr = to_rr(v); rr) {
                    std::size_t pos = 0;
                    if (auto target = dns::Name::from_wire(rr->rdata, pos)) {
                        current = *target;
                        moved = true;
                    }
                }
                break;
            }
        }
        if (!moved) break;
    }
    out.chain_end = current;
    for (const auto& v : answers) {
        if (v.type != qtype || !v.owner.equals(current)) continue;
        if (auto rr = to_rr(v)) a.records.push_back(std::move(*rr));
    }
    for (const auto& v : additional) {
        if (v.type == dns::RrType::OPT) continue;
        if (auto rr = to_rr(v)) a.additional.push_back(std::move(*rr));
    }
    for (const auto& v : authority) {
        if (v.type == dns::RrType::SOA) {
            if (auto t = soa_negative_ttl(v)) a.negative_ttl = *t;
        }
    }
    switch (static_cast<dns::Rcode>(h.rcode())) {
    case dns::Rcode::NOERROR:
        a.status = a.records.empty() ? LookupStatus::NoData : LookupStatus::Ok;
        break;
    case dns::Rcode::NXDOMAIN:
        a.status = LookupStatus::NxDomain;
        break;
    case dns::Rcode::REFUSED:  // RFC 1035 §4.1.1: policy, not a failure of the server (issue 13)
        a.status = LookupStatus::Refused;
        a.detail = "rcode REFUSED";
        break;
    default:
        a.status = LookupStatus::ServFail;
        a.detail = "rcode " + dns::to_text(static_cast<dns::Rcode>(h.rcode()));
        break;
    }
    return out;
}

// ---------------------------------------------------------------------------

StubResolver::StubResolver(StubOptions options)
    : opts_(std::move(options)), exchanger_(opts_.exchanger ? opts_.exchanger : NetExchanger::shared()) {
    if (!opts_.servers.empty()) {
        servers_ = opts_.servers;
        source_ = "explicit";
    } else {
        servers_ = read_resolv_conf(opts_.resolv_conf);
        source_ = opts_.resolv_conf;
    }
    if (opts_.log) opts_.log("resolver: DNS servers " + describe_servers());
}

std::string StubResolver::describe_servers() const {
    std::string s;
    for (const auto& sv : servers_) s += (s.empty() ? "" : ", ") + sv.to_string();
    if (s.empty()) s = "none";
    return s + " (" + source_ + ")";
}

std::optional<Answer> StubResolver::cache_get(const std::string& key) {
    std::lock_guard lock(mu_);
    auto it = cache_.find(key);
    if (it == cache_.end()) {
        ++stats_.misses;
        return std::nullopt;
    }
    auto now = std::chrono::steady_clock::now();
    if (it->second.expires <= now) {
        cache_.erase(it);
        ++stats_.misses;
        return std::nullopt;
    }
    ++stats_.hits;
    Answer a = it->second.answer;
    a.from_cache = true;
    // Hand out the remaining TTL, not the original one.
    auto left = static_cast<std::uint32_t>(std::chrono::duration_cast<std::chrono::seconds>(it->second.expires - now).count());
    for (auto& rr : a.records) rr.ttl = std::min(rr.ttl, left);
    return a;
}

void StubResolver::cache_put(const std::string& key, const Answer& a) {
    std::uint32_t ttl = 0;
    if (a.status == LookupStatus::Ok) {
        ttl = UINT32_MAX;
        for (const auto& rr : a.records) ttl = std::min(ttl, rr.ttl);
    } else if (a.status == LookupStatus::NxDomain || a.status == LookupStatus::NoData) {
        ttl = a.negative_ttl;  // RFC 2308 §5: no SOA, no negative caching
    }
    ttl = std::min(ttl, opts_.cache_max_ttl);
    if (ttl == 0) return;
    std::lock_guard lock(mu_);
    if (cache_.size() >= opts_.cache_max_entries) {
        // Evict expired entries first, then the one expiring soonest.
        auto now = std::chrono::steady_clock::now();
        std::erase_if(cache_, [&](const auto& kv) { return kv.second.expires <= now; });
        if (cache_.size() >= opts_.cache_max_entries) {
            auto victim = std::min_element(cache_.begin(), cache_.end(), [](const auto& x, const auto& y) {
                return x.second.expires < y.second.expires;
            });
            cache_.erase(victim);
        }
    }
    cache_[key] = Entry{a, std::chrono::steady_clock::now() + std::chrono::seconds(ttl)};
}

StubResolver::CacheStats StubResolver::cache_stats() const {
    std::lock_guard lock(mu_);
    CacheStats s = stats_;
    s.entries = cache_.size();
    return s;
}

void StubResolver::clear_cache() {
    std::lock_guard lock(mu_);
    cache_.clear();
}

asio::awaitable<Answer> StubResolver::query(dns::Name qname, dns::RrType qtype) {
    // An authoritative server answers a CNAME into another zone with the
    // CNAME alone: chase it ourselves (at most 8 links, like the answer parser).
    dns::Name name = qname;
    Answer a;
    for (int hop = 0; hop < 8; ++hop) {
        dns::Name end = name;
        a = co_await query_once(name, qtype, end);
        if (a.status != LookupStatus::NoData || end.equals(name)) break;
        if (opts_.log) opts_.log("resolver: " + name.to_text() + " is a CNAME for " + end.to_text() + ", following");
        name = end;
    }
    co_return a;
}

asio::awaitable<Answer> StubResolver::query_once(dns::Name qname, dns::RrType qtype, dns::Name& chain_end) {
    std::string key = qname.lowercased().to_text() + "/" + dns::to_text(qtype);
    if (opts_.cache) {
        if (auto hit = cache_get(key)) co_return *hit;
    }
    Answer last;
    last.status = LookupStatus::Timeout;
    last.detail = servers_.empty() ? "no DNS servers configured" : "no answer";
    bool any_failure_answer = false;
    bool any_timeout = false;
    for (unsigned attempt = 0; attempt < std::max(1U, opts_.attempts); ++attempt) {
        for (const auto& server : servers_) {
            Request req;
            req.qname = qname;
            req.qtype = qtype;
            req.flags = dns::flags::RD;
            req.edns_size = opts_.edns_size;
            req.timeout = opts_.timeout;
            Reply reply = co_await exchanger_->exchange(server, req);
            if (reply.over_tcp && opts_.log) {
                opts_.log("resolver: " + qname.to_text() + " truncated over UDP from " + server.to_string() +
                          ", retried over TCP");
            }
            if (!reply.answered()) {
                if (opts_.log) {
                    opts_.log("resolver: " + qname.to_text() + " " + dns::to_text(qtype) + " via " + server.to_string() +
                              ": " + to_string(reply.outcome) + ", trying next");
                }
                // A refused connection (ICMP port unreachable on the connected UDP socket) comes back at once as a
                // network error: "unreachable", unless some server timed out (then a retry might still answer).
                any_timeout = any_timeout || reply.outcome == Outcome::Timeout;
                if (!any_failure_answer) {
                    last.status = any_timeout ? LookupStatus::Timeout : LookupStatus::Unreachable;
                    last.detail = reply.detail.empty() ? to_string(reply.outcome) : reply.detail;
                    last.server = server.to_string();
                }
                continue;
            }
            dns::Header h;
            dns::read_header(reply.message, h);  // the exchange matched ID and question
            ParsedResponse resp = parse_response(reply.message, h.id, qname, qtype);
            resp.answer.server = server.to_string();
            if (resp.answer.status == LookupStatus::ServFail || resp.answer.status == LookupStatus::Malformed ||
                resp.answer.status == LookupStatus::Refused) {
                // Another server may do better; remember this one's answer.
                last = resp.answer;
                any_failure_answer = true;
                if (opts_.log) opts_.log("resolver: " + server.to_string() + " answered " + resp.answer.detail + ", trying next");
                continue;
            }
            chain_end = resp.chain_end;
            // A CNAME whose target lies outside the answer is not cached here
            // (the chase above caches the target's answer).
            if (opts_.cache && resp.chain_end.equals(qname)) cache_put(key, resp.answer);
            co_return resp.answer;
        }
    }
    co_return last;
}

Answer StubResolver::query_blocking(const dns::Name& qname, dns::RrType qtype) {
    return run_blocking(query(qname, qtype));
}

EnumResult StubResolver::enum_lookup_blocking(const std::string& number, const EnumOptions& options) {
    return run_blocking(enum_lookup(*this, number, options));
}

SipLocateResult StubResolver::locate_sip_blocking(const std::string& uri, const SipLocateOptions& options) {
    return run_blocking(locate_sip_server(*this, uri, options));
}

SnaptrResult StubResolver::snaptr_blocking(const dns::Name& domain, const SnaptrOptions& options) {
    return run_blocking(snaptr_resolve(*this, domain, options));
}

EpdgSelectResult StubResolver::select_epdg_blocking(const EpdgSelectInput& input) {
    return run_blocking(select_epdg(*this, input));
}

}  // namespace enumd::resolver
