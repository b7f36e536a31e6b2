#pragma once
/// The stub resolver: retries across servers over the one client exchange
/// (exchange.hpp: UDP with EDNS0, TC → TCP, random IDs and source ports,
/// answers matched by ID, question and source), a small TTL cache (positive
/// and negative). Query names are absolute: no search list is ever applied.

#include <utility>  // Boost 1.74 awaitable.hpp uses std::exchange without it

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "enumd/dns/result.hpp"
#include "enumd/resolver/enum_lookup.hpp"
#include "enumd/resolver/epdg_select.hpp"
#include "enumd/resolver/exchange.hpp"
#include "enumd/resolver/lookup.hpp"
#include "enumd/resolver/sip_locate.hpp"

namespace enumd::resolver {

/// The "nameserver" lines of a resolv.conf (resolv.conf(5)); the search and
/// domain lines are deliberately ignored (names are absolute).
std::vector<ServerAddress> read_resolv_conf(const std::string& path = "/etc/resolv.conf");

/// Parses a response for the query (id, qname, qtype) received from the
/// expected source. `matches` is false when the packet is not the answer
/// to this query (wrong ID or question): the caller keeps waiting.
struct ParsedResponse {
    bool matches = false;
    bool truncated = false;
    Answer answer;
    /// Where the CNAME chain in the answer ends (the query name if none).
    dns::Name chain_end;
};
ParsedResponse parse_response(std::span<const std::uint8_t> packet, std::uint16_t id, const dns::Name& qname,
                              dns::RrType qtype);

/// Builds a query with RD set and an EDNS0 OPT advertising `edns_size`.
std::vector<std::uint8_t> build_query(std::uint16_t id, const dns::Name& qname, dns::RrType qtype,
                                      std::uint16_t edns_size);

struct StubOptions {
    /// Explicit servers; empty means the nameservers of `resolv_conf`.
    std::vector<ServerAddress> servers;
    std::string resolv_conf = "/etc/resolv.conf";
    /// Per-try wait for an answer. Why 800 ms: loopback answers in well
    /// under a millisecond and operators' resolvers in tens; a lost packet
    /// should move on to the next server quickly.
    std::chrono::milliseconds timeout{800};
    unsigned attempts = 2;  ///< rounds over the server list
    std::uint16_t edns_size = 1232;  ///< DNS flag day 2020
    bool cache = true;
    std::size_t cache_max_entries = 4096;
    std::uint32_t cache_max_ttl = 3600;
    /// Called with one line per notable event (server choice, retries).
    std::function<void(const std::string&)> log;
    /// Where queries go; null = the network (tests plug a scripted upstream in).
    std::shared_ptr<Exchanger> exchanger;
};

class StubResolver : public DnsLookup {
public:
    explicit StubResolver(StubOptions options);
    [[nodiscard]] const std::vector<ServerAddress>& servers() const noexcept { return servers_; }
    /// "explicit" or the resolv.conf path the servers came from.
    [[nodiscard]] const std::string& server_source() const noexcept { return source_; }
    /// "127.0.0.1:5353 (explicit)" — for logs and enumq.
    [[nodiscard]] std::string describe_servers() const;

    boost::asio::awaitable<Answer> query(dns::Name qname, dns::RrType qtype) override;

    // Blocking conveniences: each runs its own io_context on the calling thread.
    Answer query_blocking(const dns::Name& qname, dns::RrType qtype);
    EnumResult enum_lookup_blocking(const std::string& number, const EnumOptions& options);
    SipLocateResult locate_sip_blocking(const std::string& uri, const SipLocateOptions& options);
    SnaptrResult snaptr_blocking(const dns::Name& domain, const SnaptrOptions& options);
    EpdgSelectResult select_epdg_blocking(const EpdgSelectInput& input);

    struct CacheStats {
        std::uint64_t hits = 0, misses = 0, entries = 0;
    };
    [[nodiscard]] CacheStats cache_stats() const;
    void clear_cache();

private:
    boost::asio::awaitable<Answer> query_once(dns::Name qname, dns::RrType qtype, dns::Name& chain_end);
    std::optional<Answer> cache_get(const std::string& key);
    void cache_put(const std::string& key, const Answer& a);

    StubOptions opts_;
    std::vector<ServerAddress> servers_;
    std::string source_;
    mutable std::mutex mu_;
    std::shared_ptr<Exchanger> exchanger_;
    struct Entry {
        Answer answer;
        std::chrono::steady_clock::time_point expires;
    };
    std::map<std::string, Entry> cache_;
    CacheStats stats_;
};

}  // namespace enumd::resolver
