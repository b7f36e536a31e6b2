#include "transport.hpp"

#include <algorithm>
#include <array>
#include <limits>

#include "enumd/dns/wire.hpp"

namespace enumd::server::recursor {

namespace asio = boost::asio;

namespace {

/// A URBG over the kernel CSPRNG, for the order servers are tried in.
struct KernelRandom {
    using result_type = std::uint32_t;
    static constexpr result_type min() { return 0; }
    static constexpr result_type max() { return std::numeric_limits<result_type>::max(); }
    result_type operator()() const {
        std::array<std::uint8_t, 4> b{};
        resolver::random_bytes(b);
        return (result_type{b[0]} << 24) | (result_type{b[1]} << 16) | (result_type{b[2]} << 8) | b[3];
    }
};

/// 0x20 answers echo the random case; cached data keeps the name as we
/// were asked for it.
void restore_case(std::vector<RRset>& section, const dns::Name& asked) {
    for (auto& s : section) {
        if (s.owner == asked) s.owner = asked;
    }
}

bool usable(std::uint8_t rcode) {
    switch (static_cast<dns::Rcode>(rcode)) {
    case dns::Rcode::SERVFAIL:
    case dns::Rcode::REFUSED:
    case dns::Rcode::FORMERR:
    case dns::Rcode::NOTIMP: return false;
    default: return true;
    }
}

}  // namespace

asio::awaitable<std::optional<Response>> Transport::ask(std::vector<Upstream> servers, dns::Name qname,
                                                       dns::RrType qtype, bool rd, Clock::time_point deadline,
                                                       UpstreamFailure* why) {
    auto failed = [why](const Upstream& s, std::uint16_t ede, const std::string& what) {
        if (why == nullptr) return;
        why->ede = ede;
        why->text = s.address + ":" + std::to_string(s.port) + ": " + what;
    };
    std::shuffle(servers.begin(), servers.end(), KernelRandom{});
    for (int round = 0; round < 2; ++round) {
        for (const auto& s : servers) {
            auto now = Clock::now();
            if (now >= deadline) {
                if (why != nullptr && why->text.empty()) why->text = "out of time";
                co_return std::nullopt;
            }
            boost::system::error_code ec;
            resolver::ServerAddress server{asio::ip::make_address(s.address, ec), s.port};
            if (ec) continue;
            resolver::Request req;
            // draft-vixie-dnsext-dns0x20: the answer must echo the random case (checked by the exchange).
            req.qname = cfg_.case_randomisation ? resolver::randomize_case(qname) : qname;
            req.exact_case = cfg_.case_randomisation;
            req.qtype = qtype;
            req.flags = rd ? dns::flags::RD : 0;
            req.edns_size = dns::kDefaultEdnsSize;
            req.edns_fallback = true;
            req.timeout = std::min(cfg_.timeout, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now));
            Counters::add(counters_.upstream);
            auto reply = co_await exchanger_->exchange(server, req);
            if (reply.without_edns) Counters::add(counters_.upstream);
            if (!reply.answered()) {
                // RFC 8914 §4.23: could not talk to it at all; §4.22: nothing came back in time.
                const bool network = reply.outcome == resolver::Outcome::NetworkError;
                failed(s, network ? 23 : 22, network ? reply.detail : std::string("no answer in time"));
                continue;
            }
            Response m;
            if (!parse_response(reply.message, m)) {
                failed(s, 22, "malformed answer");
                continue;
            }
            if (!usable(m.rcode)) {
                failed(s, 22, "answered " + dns::to_text(static_cast<dns::Rcode>(m.rcode)));
                continue;
            }
            for (auto* section : {&m.an, &m.ns, &m.ar}) restore_case(*section, qname);
            co_return m;
        }
    }
    co_return std::nullopt;
}

}  // namespace enumd::server::recursor
