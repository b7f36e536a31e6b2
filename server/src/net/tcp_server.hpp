#pragma once
/// TCP per RFC 7766: acceptors that hand each connection to a worker (round
/// robin) within the connection limits, and one coroutine per connection
/// (net/tcp_session.cpp) that pipelines queries through the worker's query
/// pipeline and streams zone transfers.

#include <atomic>
#include <utility>  // before awaitable.hpp, which uses std::exchange without including it
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "enumd/server/server.hpp"

namespace enumd::server::net {

struct Worker;

/// Connection slots: at most `max_connections` in all and `max_per_client` per address.
class ClientSlots {
public:
    explicit ClientSlots(const TcpLimits& limits) : limits_(limits) {}
    /// Takes a slot for `client`; false when a limit is reached.
    bool acquire(const std::string& client);
    void release(const std::string& client);

private:
    const TcpLimits& limits_;
    std::atomic<unsigned> total_{0};
    std::mutex mutex_;
    std::unordered_map<std::string, unsigned> per_client_;
};

class TcpServer {
public:
    TcpServer(std::vector<Worker*> workers, const TcpLimits& limits, Stats& stats, xfr::Service* xfr);
    /// Adopts `fd`, a TCP socket listening on `ep` (BoundSockets).
    void adopt(const Endpoint& ep, int fd);
    /// Starts accepting on every bound address.
    void start();

private:
    boost::asio::awaitable<void> accept_loop(boost::asio::ip::tcp::acceptor& acc);
    std::vector<Worker*> workers_;
    const TcpLimits& limits_;
    Stats& stats_;
    xfr::Service* xfr_;
    ClientSlots slots_;
    std::vector<std::unique_ptr<boost::asio::ip::tcp::acceptor>> acceptors_;
    std::atomic<std::size_t> next_worker_{0};
};

}  // namespace enumd::server::net
