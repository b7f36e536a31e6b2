#pragma once
/// The network side of enumd: one io_context per worker thread, one
/// SO_REUSEPORT UDP socket per listen address per thread (recvmmsg/sendmmsg
/// batches), TCP per RFC 7766 with coroutines, a loopback HTTP endpoint for
/// Prometheus and a unix control socket for `enumctl`.

#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "enumd/server/acl.hpp"
#include "enumd/server/answer.hpp"
#include "enumd/server/rate_limit.hpp"
#include "enumd/server/recursor.hpp"
#include "enumd/server/stats.hpp"
#include "enumd/server/update.hpp"
#include "enumd/zones/store.hpp"

namespace enumd::server {

namespace xfr {
class Service;
}

struct Endpoint {
    std::string address;  ///< "127.0.0.1", "::1"
    unsigned short port = 53;
    [[nodiscard]] std::string to_text() const;
};

/// The socket address of `ep`; false when the address is not an IP literal.
bool to_sockaddr(const Endpoint& ep, sockaddr_storage& ss, socklen_t& len);

struct TcpLimits {
    std::chrono::milliseconds idle_timeout{10000};  ///< RFC 7766 §6.2.3: seconds, not minutes
    unsigned max_connections = 1024;
    unsigned max_per_client = 32;
};

/// A bearer token of the provisioning API and the zones it may change.
struct ApiToken {
    std::string name;                 ///< for logs and errors, never the secret
    std::string secret;               ///< read from the token's secret_file
    std::vector<dns::Name> zones;     ///< empty: none (fail closed)
};

/// The provisioning API (server/src/api/): off unless `listen` is set.
struct ApiConfig {
    std::string listen;  ///< "127.0.0.1:8053"
    std::vector<ApiToken> tokens;
    std::size_t max_body = std::size_t{64} << 20;  ///< a 100,000-change batch is about 8 MB of JSON
};

struct ServerConfig {
    std::vector<Endpoint> listen;
    unsigned threads = 0;  ///< 0 = one per core
    /// SO_RCVBUF of every UDP socket, in bytes (`udp: {receive_buffer}`); 0 keeps the system's default
    /// (net.core.rmem_default, 208 KiB on Linux: about 200 queries, i.e. 10 ms of stall at 20k qps).
    int udp_receive_buffer = 4 << 20;
    AnswerOptions answer;
    TcpLimits tcp;
    std::string stats_listen;  ///< "127.0.0.1:9153", empty = off
    std::string control_path;  ///< unix socket for enumctl, empty = off
    Acl query_acl = Acl::everyone();  ///< who may query: everyone unless a list is given (empty = nobody)
    xfr::Service* xfr = nullptr;  ///< zone transfers and NOTIFY (xfr.hpp); null = NOTIMP/REFUSED
    update::Settings update_policy;    ///< per-zone `update:` (who may send RFC 2136 updates)
    update::Writer* update = nullptr;  ///< set by Server::start (RFC 2136 UPDATE, enumctl set/delete/apply)
    /// false: the database is a temporary one (--zone without --db), removed at exit — `enumctl
    /// set|delete|apply` are refused, as a change would be lost silently (server/README.md "Live changes").
    bool persistent_database = true;
    RecursorConfig recursion;  ///< names outside our zones, for allowed clients only
    ApiConfig api;             ///< HTTP/JSON number changes (off by default)
    RrlConfig rate_limit;      ///< response rate limiting of UDP answers (rate_limit.hpp)
    CookieConfig cookies;      ///< DNS cookies (RFC 7873/9018), on by default
    /// `client_subnet: {trust: [...]}`: EDNS Client Subnet (RFC 7871) is read, and from these
    /// resolvers views are chosen by the subnet they send (server/README.md "Views and EDNS Client
    /// Subnet"). Unset: enumd does not speak ECS and ignores the option like any unknown one.
    std::optional<Acl> client_subnet_trust;
};

/// The DNS sockets of ServerConfig::listen, bound before the zones compile (a port in use fails at once, not
/// after a long compile) and before enumd drops privileges (port 53 needs root or CAP_NET_BIND_SERVICE).
/// Owns the descriptors until Server::start adopts them.
class BoundSockets {
public:
    BoundSockets() = default;
    ~BoundSockets();
    BoundSockets(BoundSockets&& other) noexcept;
    BoundSockets& operator=(BoundSockets&& other) noexcept;
    BoundSockets(const BoundSockets&) = delete;
    BoundSockets& operator=(const BoundSockets&) = delete;

    /// One UDP socket per thread per address (SO_REUSEPORT: the kernel spreads queries over the
    /// threads) and one listening TCP socket per address. Throws std::runtime_error naming the
    /// protocol, the address and the reason ("cannot listen on udp 127.0.0.1:53: Address in use").
    /// `receive_buffer` (bytes, 0 = leave the default) is set with SO_RCVBUFFORCE where allowed (root or
    /// CAP_NET_ADMIN), else with SO_RCVBUF, which the kernel caps at net.core.rmem_max.
    static BoundSockets bind(const std::vector<Endpoint>& listen, unsigned threads, int receive_buffer = 0);
    /// The smallest receive buffer the kernel gave a UDP socket, in bytes as asked (half of what
    /// getsockopt reports); 0 when no UDP socket was bound.
    [[nodiscard]] int udp_receive_buffer() const noexcept { return udp_rcvbuf_; }
    /// Takes the UDP descriptor of `thread` for address `index` (the caller owns it now).
    [[nodiscard]] int take_udp(unsigned thread, std::size_t index);
    /// Takes the TCP descriptor for address `index`.
    [[nodiscard]] int take_tcp(std::size_t index);

private:
    std::vector<std::vector<int>> udp_;  ///< [thread][address]; -1 once taken
    std::vector<int> tcp_;               ///< [address]
    int udp_rcvbuf_ = 0;
    void close_all() noexcept;
};

/// The worker threads of `configured` (0 = one per core).
unsigned worker_threads(unsigned configured) noexcept;

class Server {
public:
    /// `reload` rebuilds the database; it returns a one-line summary or throws
    /// std::runtime_error with the diagnostics. Called off the query threads.
    using ReloadFn = std::function<std::string()>;

    Server(ServerConfig config, zones::Store& store, ReloadFn reload);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    /// Adopts the DNS sockets (bound for config.listen and config.threads), opens the admin endpoints
    /// (throws std::runtime_error with the reason) and starts the worker threads.
    void start(BoundSockets sockets);
    /// Stops accepting, finishes and joins.
    void stop();
    /// Blocks until SIGINT/SIGTERM; SIGHUP triggers a reload.
    void run_until_signal();
    /// Runs the reload function on the reload thread; returns its summary.
    std::string reload();

    Stats& stats() noexcept { return *stats_; }

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    std::unique_ptr<Stats> stats_;
};

}  // namespace enumd::server
