#include "net/tcp_server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <stdexcept>

#include "net/tcp_session.hpp"
#include "net/worker.hpp"

namespace enumd::server::net {

namespace asio = boost::asio;
using asio::ip::tcp;

bool ClientSlots::acquire(const std::string& client) {
    if (total_.load() >= limits_.max_connections) return false;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        unsigned& n = per_client_[client];
        if (n >= limits_.max_per_client) return false;
        ++n;
    }
    total_.fetch_add(1);
    return true;
}

void ClientSlots::release(const std::string& client) {
    total_.fetch_sub(1);
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = per_client_.find(client);
    if (it != per_client_.end() && --it->second == 0) per_client_.erase(it);
}

TcpServer::TcpServer(std::vector<Worker*> workers, const TcpLimits& limits, Stats& stats, xfr::Service* xfr)
    : workers_(std::move(workers)), limits_(limits), stats_(stats), xfr_(xfr), slots_(limits) {}

void TcpServer::adopt(const Endpoint& ep, int fd) {
    auto acc = std::make_unique<tcp::acceptor>(workers_[0]->io);
    acc->assign(asio::ip::make_address(ep.address).is_v6() ? tcp::v6() : tcp::v4(), fd);
    acceptors_.push_back(std::move(acc));
}

void TcpServer::start() {
    for (auto& acc : acceptors_) asio::co_spawn(workers_[0]->io, accept_loop(*acc), asio::detached);
}

asio::awaitable<void> TcpServer::accept_loop(tcp::acceptor& acc) {
    for (;;) {
        Worker& w = *workers_[next_worker_.fetch_add(1, std::memory_order_relaxed) % workers_.size()];
        boost::system::error_code ec;
        tcp::socket s = co_await acc.async_accept(w.io, asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
            if (ec == asio::error::operation_aborted) co_return;
            continue;
        }
        std::string client = s.remote_endpoint(ec).address().to_string();
        if (ec) continue;
        if (!slots_.acquire(client)) {
            stats_.tcp_refused.fetch_add(1, std::memory_order_relaxed);
            s.close(ec);
            continue;
        }
        stats_.tcp_connections.fetch_add(1, std::memory_order_relaxed);
        auto session = std::make_shared<TcpSession>(std::move(s), w, limits_, xfr_);
        session->client = client;
        session->peer = session->sock.remote_endpoint(ec);
        asio::co_spawn(w.io, serve(session, [this, client] { slots_.release(client); }), asio::detached);
    }
}

}  // namespace enumd::server::net
