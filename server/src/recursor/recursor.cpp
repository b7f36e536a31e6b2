#include "enumd/server/recursor.hpp"
#include "stats/metrics_text.hpp"

// GCC 12 reports Asio's awaitable frame operator delete as mismatched with its
// operator new (a false positive for coroutine frames seen with GCC 12 only).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include <algorithm>
#include <boost/asio.hpp>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>
#include <unordered_map>

#include "cache.hpp"
#include "counters.hpp"
#include "enumd/dns/response.hpp"
#include "enumd/dns/wire.hpp"
#include "enumd/server/log.hpp"
#include "iterator.hpp"
#include "message_cache.hpp"
#include "transport.hpp"

namespace enumd::server {

namespace asio = boost::asio;
using asio::awaitable;
using recursor::Clock;
using recursor::Resolution;
using recursor::RRset;

namespace {

constexpr auto kServFail = static_cast<std::uint8_t>(dns::Rcode::SERVFAIL);

/// The IANA root servers' IPv4 addresses (root hints, named.root).
constexpr const char* kRootHints[] = {
    "198.41.0.4",    "170.247.170.2", "192.33.4.12",  "199.7.91.13", "192.203.230.10", "192.5.5.241", "192.112.36.4",
    "198.97.190.53", "192.36.148.17", "192.58.128.30", "193.0.14.129", "199.7.83.42",   "202.12.27.33",
};

/// The root servers: the built-in list, or the A/AAAA lines of a hints file.
std::vector<Upstream> load_hints(const RecursorConfig& cfg) {
    std::vector<Upstream> roots;
    if (cfg.root_hints.empty()) {
        for (const char* a : kRootHints) roots.push_back({a, cfg.iteration_port});
        return roots;
    }
    std::ifstream in(cfg.root_hints);
    std::string line;
    while (std::getline(in, line)) {
        auto semi = line.find(';');
        if (semi != std::string::npos) line.resize(semi);
        std::istringstream is(line);
        std::vector<std::string> tok;
        std::string t;
        while (is >> t) tok.push_back(t);
        for (std::size_t i = 1; i + 1 < tok.size(); ++i) {
            if (tok[i] == "A" || tok[i] == "AAAA") roots.push_back({tok[i + 1], cfg.iteration_port});
        }
    }
    if (roots.empty()) throw std::runtime_error("root hints " + cfg.root_hints + " list no A/AAAA addresses");
    return roots;
}

}  // namespace

/// The recursor thread's world: the cache, the transport and the iterator
/// over them, and the client side (admission, response building).
struct Recursor::Impl {
    RecursorConfig cfg;
    asio::io_context io{1};
    std::thread thread;
    recursor::Counters counters;
    recursor::Cache cache;
    recursor::MessageCache messages;
    recursor::Transport transport;
    recursor::Iterator iterator;
    std::unordered_map<std::string, unsigned> outstanding;

    Impl(RecursorConfig c, std::shared_ptr<resolver::Exchanger> exchanger)
        : cfg(std::move(c)),
          // The message cache holds a quarter of the byte budget, the RRsets the rest.
          cache(cfg, counters, cfg.cache_max_bytes - cfg.cache_max_bytes / 4),
          messages(cfg.cache_max_entries, cfg.cache_max_bytes / 4),
          transport(cfg, counters, exchanger ? std::move(exchanger) : resolver::NetExchanger::shared()),
          iterator(cfg, counters, cache, transport, load_hints(cfg), io) {}

    /// The answer and authority RRsets, all-or-nothing per RRset; false when one did not fit.
    static bool add_sections(dns::MessageWriter& w, const Resolution& r) {
        for (auto sec : {dns::Section::Answer, dns::Section::Authority}) {
            for (const auto& s : sec == dns::Section::Answer ? r.answer : r.authority) {
                auto m = w.mark();
                for (const auto& rd : s.rdatas) {
                    if (!w.add_record(sec, s.owner, s.type, 1, s.ttl, rd)) {
                        w.rollback(m);
                        return false;
                    }
                }
            }
        }
        return true;
    }

    std::vector<std::uint8_t> build_response(const dns::QueryView& q, const Resolution& r, std::size_t limit) {
        std::vector<std::uint8_t> out(dns::kMaxMessage);
        dns::ResponseWriter w(out, limit, q);
        w.set_flag(dns::flags::RA);
        // RFC 8914 §2: an EDNS0 option (code 15) of INFO-CODE and EXTRA-TEXT, only to a client that sent EDNS.
        std::vector<std::uint8_t> ede;
        if (q.edns && r.rcode == kServFail && r.ede != 0) {
            // The OPT's option room is dns::kMaxOptOptions octets: 6 for the option's head, the rest for text.
            const std::string text = r.ede_text.substr(0, dns::kMaxOptOptions - 6);
            const auto len = static_cast<std::uint16_t>(2 + text.size());
            ede = {0, 15, static_cast<std::uint8_t>(len >> 8), static_cast<std::uint8_t>(len & 0xff),
                   static_cast<std::uint8_t>(r.ede >> 8), static_cast<std::uint8_t>(r.ede & 0xff)};
            ede.insert(ede.end(), text.begin(), text.end());
            w.set_opt_options(ede);
        }
        if (q.edns) w.reserve_opt();
        w.echo_question();
        if (!add_sections(w, r)) w.set_flag(dns::flags::TC);
        out.resize(q.edns ? w.finish(r.rcode, dns::OptOut{}) : w.finish(r.rcode));
        return out;
    }

    /// Upstreams failing: one log line per 10 s at most, with how many more failed since (a dead forwarder
    /// under load would otherwise write a line per query).
    Clock::time_point last_failure_log{};
    std::uint64_t failures_unlogged = 0;
    void log_upstream_failure(const dns::Name& qname, const Resolution& r) {
        const auto now = Clock::now();
        if (last_failure_log != Clock::time_point{} && now - last_failure_log < std::chrono::seconds(10)) {
            ++failures_unlogged;
            return;
        }
        log(LogLevel::Warn, "recursor", "upstreams failed, answered SERVFAIL",
            {{"qname", qname.to_text()}, {"reason", r.ede_text}, {"ede", std::to_string(r.ede)},
             {"more_since_last_line", std::to_string(failures_unlogged)}});
        last_failure_log = now;
        failures_unlogged = 0;
    }

    /// Puts the cached answer for `name`/`type` into the message cache, so
    /// that workers answer the next query for it themselves.
    void remember(const dns::Name& name, dns::RrType type) {
        std::optional<Resolution> r = iterator.cached(name, type);
        if (!r) return;
        std::vector<std::uint8_t> out(dns::kMaxMessage);
        dns::MessageWriter w(out, out.size());
        w.set_header(0, dns::flags::QR | dns::flags::RA);
        if (!w.add_question(name, type, 1) || !add_sections(w, *r)) return;
        w.set_rcode(r->rcode);
        messages.put(name, type, std::span(out).first(w.size()), cfg.prefetch, Clock::now());
    }

    /// A worker saw a popular answer near its expiry: refresh its RRsets, then the message.
    awaitable<void> refresh(dns::Name name, dns::RrType type) {
        co_await iterator.prefetch(name, type);
        remember(name, type);
    }

    awaitable<void> handle(std::vector<std::uint8_t> query, std::string client, std::uint16_t max_response, Reply reply) {
        dns::QueryView q;
        if (dns::parse_query(query, q) != dns::QueryParse::Ok) {
            reply({});
            co_return;
        }
        auto deadline = Clock::now() + cfg.total_time;
        Resolution r;
        try {
            r = co_await iterator.resolve(q.question.qname, q.question.qtype, deadline, 0);
        } catch (const std::exception& e) {
            r.rcode = kServFail;  // one catch at the query boundary
            log(LogLevel::Warn, "recursor", "internal error", {{"qname", q.question.qname.to_text()}, {"what", e.what()}});
        }
        if (r.rcode == kServFail) recursor::Counters::add(counters.servfail);
        if (r.ede != 0) log_upstream_failure(q.question.qname, r);
        // Answers (positive, NODATA, NXDOMAIN) go to the message cache; stale ones stay out of it.
        constexpr auto kNxDomain = static_cast<std::uint8_t>(dns::Rcode::NXDOMAIN);
        if ((r.rcode == 0 || r.rcode == kNxDomain) && !r.stale && q.question.qclass == 1) {
            try {
                remember(q.question.qname, q.question.qtype);
            } catch (const std::exception&) {
                // out of memory for the copy: the next query comes here again
            }
        }
        // 65535 means TCP (no UDP payload rules); over UDP the client's EDNS size or 512.
        std::size_t limit = max_response;
        if (max_response < dns::kMaxMessage)
            limit = std::min<std::size_t>(dns::udp_response_limit(q, max_response), max_response);
        reply(build_response(q, r, limit));
        auto it = outstanding.find(client);
        if (it != outstanding.end() && --it->second == 0) outstanding.erase(it);
    }
};

Recursor::Recursor(RecursorConfig config, std::shared_ptr<resolver::Exchanger> exchanger)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(exchanger))) {}

Recursor::~Recursor() { stop(); }

const RecursorConfig& Recursor::config() const noexcept { return impl_->cfg; }

void Recursor::start() {
    Impl* m = impl_.get();
    m->thread = std::thread([m] {
        auto guard = asio::make_work_guard(m->io);
        m->io.run();
    });
}

void Recursor::stop() {
    if (!impl_) return;
    impl_->io.stop();
    if (impl_->thread.joinable()) impl_->thread.join();
}

void Recursor::submit(std::vector<std::uint8_t> query, std::string client, std::uint16_t max_response, Reply reply) {
    Impl* m = impl_.get();
    recursor::Counters::add(m->counters.queries);
    asio::post(m->io, [m, q = std::move(query), c = std::move(client), max_response, r = std::move(reply)]() mutable {
        unsigned& n = m->outstanding[c];
        if (n >= m->cfg.max_outstanding_per_client) {
            recursor::Counters::add(m->counters.busy);
            // Too many queries in flight from one client: drop (it retries), like Unbound's limits.
            r({});
            return;
        }
        ++n;
        asio::co_spawn(m->io, m->handle(std::move(q), std::move(c), max_response, std::move(r)), asio::detached);
    });
}

std::size_t Recursor::answer_from_cache(const dns::QueryView& q, std::span<std::uint8_t> out,
                                        std::size_t limit) noexcept {
    Impl* m = impl_.get();
    if (q.header.opcode() != dns::Opcode::QUERY) return 0;
    recursor::MessageCache::Hit hit = m->messages.answer(q, out, limit, Clock::now());
    if (hit.size == 0) return 0;
    recursor::Counters::add(m->counters.queries);
    recursor::Counters::add(m->counters.hits);
    recursor::Counters::add(m->counters.worker_hits);
    if (hit.prefetch) {
        try {
            // The one allocation of a hit, once per cached answer's lifetime.
            asio::co_spawn(m->io, m->refresh(q.question.qname, q.question.qtype), asio::detached);
        } catch (const std::exception&) {
            // no memory for the refresh: the answer expires and is fetched again
        }
    }
    return hit.size;
}

RecursorStats Recursor::stats() const {
    const recursor::Counters& c = impl_->counters;
    constexpr auto rel = std::memory_order_relaxed;
    RecursorStats s;
    s.queries = c.queries.load(rel);
    s.cache_hits = c.hits.load(rel);
    s.cache_misses = c.misses.load(rel);
    s.upstream_queries = c.upstream.load(rel);
    s.servfail = c.servfail.load(rel);
    s.refused_busy = c.busy.load(rel);
    s.stale_answers = c.stale.load(rel);
    s.evictions = c.evictions.load(rel);
    s.entries = c.entries.load(rel);
    s.message_entries = impl_->messages.entries();
    s.cache_bytes = c.bytes.load(rel) + impl_->messages.bytes();
    s.worker_hits = c.worker_hits.load(rel);
    s.scrubbed = c.scrubbed.load(rel);
    s.prefetches = c.prefetch.load(rel);
    return s;
}

std::string Recursor::prometheus() const {
    RecursorStats s = stats();
    MetricsText m;
    m.single("enumd_recursion_queries_total", "counter", "Queries for names outside our zones, answered by recursion.",
             s.queries);
    m.single("enumd_recursion_cache_hits_total", "counter", "Recursive queries answered from the cache.", s.cache_hits);
    m.single("enumd_recursion_cache_misses_total", "counter", "Recursive queries that needed upstream queries.",
             s.cache_misses);
    m.single("enumd_recursion_upstream_queries_total", "counter", "Queries sent to upstream servers.",
             s.upstream_queries);
    m.single("enumd_recursion_servfail_total", "counter", "Recursive queries answered SERVFAIL.", s.servfail);
    m.single("enumd_recursion_dropped_busy_total", "counter", "Recursive queries dropped over a client's limit.",
             s.refused_busy);
    m.single("enumd_recursion_stale_answers_total", "counter", "Answers served stale (RFC 8767).", s.stale_answers);
    m.single("enumd_recursion_cache_evictions_total", "counter", "Cache entries evicted for room.", s.evictions);
    m.single("enumd_recursion_cache_hits_on_worker_total", "counter",
             "Cache hits answered by the worker that received the query (message cache, no thread hop).",
             s.worker_hits);
    m.single("enumd_recursion_cache_entries", "gauge", "Entries in the recursion cache.", s.entries);
    m.single("enumd_recursion_message_cache_entries", "gauge", "Whole answers in the message cache.",
             s.message_entries);
    m.single("enumd_recursion_cache_bytes", "gauge", "Bytes held by the recursion cache (RRsets and messages).", s.cache_bytes);
    m.single("enumd_recursion_prefetches_total", "counter", "Cache entries refreshed before they expired.",
             s.prefetches);
    m.single("enumd_recursion_scrubbed_records_total", "counter", "Upstream records dropped as out of bailiwick.",
             s.scrubbed);
    return m.str();
}

}  // namespace enumd::server
