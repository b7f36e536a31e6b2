#pragma once
/// The one DNS client exchange: a query to one server and the response that
/// answers it. Used by the stub resolver, the recursor, the secondary's SOA
/// checks and transfers, and NOTIFY.
///
/// - UDP from a connected socket on a random source port, so the kernel
///   drops datagrams from any other address (RFC 5452 §9.1); TC → the same
///   question over TCP (RFC 7766 §5); TCP only for transfers.
/// - IDs, source ports and 0x20 case come from getrandom(2) (RFC 5452 §9.2),
///   never from a seeded PRNG.
/// - A response answers a query when QR is set and ID, opcode and the question
///   (octet for octet when the caller uses 0x20) are the same; anything else is
///   ignored over UDP and ends a TCP exchange.
/// - EDNS (RFC 6891) with an optional retry without OPT on FORMERR/NOTIMP (§7).
/// - Timeouts by a steady_timer that closes the socket (Boost 1.74 has no
///   awaitable operators).
///
/// `Exchanger` is the seam: tests plug a scripted upstream in, so the
/// recursor and the secondary are tested without sockets.

#include <utility>  // Boost 1.74 awaitable.hpp uses std::exchange without it

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/use_future.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "enumd/dns/name.hpp"
#include "enumd/dns/result.hpp"
#include "enumd/dns/types.hpp"
#include "enumd/dns/wire.hpp"

namespace enumd::resolver {

struct ServerAddress {
    boost::asio::ip::address address;
    std::uint16_t port = 53;
    [[nodiscard]] std::string to_string() const;
};
/// "127.0.0.1", "127.0.0.1:5353", "::1", "[::1]:5353".
dns::Result<ServerAddress> parse_server(std::string_view text);

/// Octets from getrandom(2) (the kernel CSPRNG).
void random_bytes(std::span<std::uint8_t> out);
/// An unpredictable 16-bit value: query IDs and source ports (RFC 5452 §9.2).
std::uint16_t random_u16();
/// `name` with the case of every letter drawn at random: "dns 0x20"
/// (draft-vixie-dnsext-dns0x20), checked by `answers` since the question
/// must come back octet for octet.
dns::Name randomize_case(const dns::Name& name);

/// What to ask.
struct Request {
    /// Sent exactly as spelt: give a `randomize_case` name for 0x20.
    dns::Name qname;
    /// The answer's question must have the same case octet for octet (0x20);
    /// false compares names case-insensitively (RFC 4343), for servers that
    /// do not keep the case.
    bool exact_case = false;
    dns::RrType qtype = dns::RrType::A;
    std::uint16_t qclass = 1;
    /// Header flags and opcode as on the wire: RD for recursion,
    /// (NOTIFY << 11) | AA for a NOTIFY.
    std::uint16_t flags = 0;
    /// Records after the question: the SOA in a NOTIFY's answer section
    /// (RFC 1996 §3.7), the client's SOA in an IXFR's authority (RFC 1995 §3).
    struct Record {
        dns::Section section = dns::Section::Answer;
        dns::Name owner;
        dns::RrType type = dns::RrType::SOA;
        std::uint32_t ttl = 0;
        std::vector<std::uint8_t> rdata;
    };
    std::vector<Record> records;
    /// An OPT advertising this UDP payload size (RFC 6891 §6.1.2); none = no OPT.
    std::optional<std::uint16_t> edns_size = dns::kDefaultEdnsSize;
    /// FORMERR or NOTIMP to a query with OPT: ask once more without it (RFC 6891 §7).
    bool edns_fallback = false;
    /// A truncated UDP answer is asked again over TCP (RFC 7766 §5).
    bool tcp_on_truncation = true;
    /// TCP from the start (transfers, RFC 5936 §4.2).
    bool tcp_only = false;
    /// The wait for a UDP answer, and separately for each TCP step (connect
    /// and each message): a silent server costs at most this per leg.
    std::chrono::milliseconds timeout{1500};
    /// Called with each finished message (ID chosen) to sign it, e.g. TSIG
    /// (RFC 8945 §5.1) appended; it may keep the MAC to check the answer.
    std::function<void(std::vector<std::uint8_t>& message)> sign;
};

enum class Outcome {
    Answered,      ///< a response that answers the query
    Timeout,       ///< nothing that answers within the timeout
    NetworkError,  ///< no socket, refused (ICMP), TCP reset, a TCP reply that does not match
};
const char* to_string(Outcome o) noexcept;

struct Reply {
    Outcome outcome = Outcome::Timeout;
    /// The response (Outcome::Answered), complete as received.
    std::vector<std::uint8_t> message;
    bool over_tcp = false;
    bool without_edns = false;  ///< the EDNS fallback was taken
    std::string detail;         ///< why, on errors (for logs)

    [[nodiscard]] bool answered() const noexcept { return outcome == Outcome::Answered; }
    /// RCODE of the response (the header's four bits); 0 when not answered.
    [[nodiscard]] std::uint8_t rcode() const noexcept;
};

/// Called for each message of a transfer; false ends the stream (done or failed).
using StreamHandler = std::function<bool(std::span<const std::uint8_t> message)>;

/// The seam between DNS logic and the network.
class Exchanger {
public:
    virtual ~Exchanger() = default;
    /// One query, one response: UDP (TC → TCP) or TCP only, one try.
    /// Retries across tries and servers are the caller's policy.
    virtual boost::asio::awaitable<Reply> exchange(ServerAddress server, Request request) = 0;
    /// A transfer (AXFR/IXFR, RFC 5936 §2.2): one TCP connection, the query
    /// sent once, then `on_message` for every response message until it
    /// returns false. The first must answer the query; later ones must carry
    /// its ID (their question section may be empty, RFC 5936 §2.2.1).
    /// Answered when the handler ended the stream.
    virtual boost::asio::awaitable<Reply> stream(ServerAddress server, Request request, StreamHandler on_message) = 0;
};

/// The exchanger for the network.
class NetExchanger final : public Exchanger {
public:
    boost::asio::awaitable<Reply> exchange(ServerAddress server, Request request) override;
    boost::asio::awaitable<Reply> stream(ServerAddress server, Request request, StreamHandler on_message) override;
    /// The process-wide network exchanger (it holds no state).
    static std::shared_ptr<Exchanger> shared();
};

/// The wire form of `request` with `id`, OPT as asked (`with_edns`), signed
/// when the request says so.
std::vector<std::uint8_t> build_request(std::uint16_t id, const Request& request, bool with_edns);

/// True when `response` answers `query`: QR set, same ID and opcode, and one
/// question with the same name, type and class — the name octet for octet
/// (0x20 case included) when `exact_case`, else case-insensitively.
bool answers(std::span<const std::uint8_t> response, std::span<const std::uint8_t> query,
             bool exact_case) noexcept;

/// Runs `aw` to completion on the calling thread, for callers that live on
/// a thread of their own (the secondary, NOTIFY, blocking APIs). The
/// io_context is kept per thread: creating one (an epoll instance, an
/// eventfd) costs more than a cached lookup. Not for use from inside a
/// handler of that same context.
template <typename T>
T run_blocking(boost::asio::awaitable<T> aw) {
    thread_local boost::asio::io_context io;
    io.restart();
    auto fut = boost::asio::co_spawn(io, std::move(aw), boost::asio::use_future);
    io.run();
    return fut.get();
}

}  // namespace enumd::resolver
