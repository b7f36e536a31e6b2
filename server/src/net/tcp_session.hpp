#pragma once
/// One TCP connection (RFC 7766): length-framed queries read under the idle
/// timeout, answered in order by the worker's pipeline, transfers streamed
/// message by message, recursive answers awaited without blocking the worker.

#include <utility>  // before awaitable.hpp, which uses std::exchange without including it
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "enumd/server/server.hpp"

namespace enumd::server::net {

struct Worker;

struct TcpSession {
    TcpSession(boost::asio::ip::tcp::socket s, Worker& w, const TcpLimits& limits, xfr::Service* xfr);
    boost::asio::ip::tcp::socket sock;
    boost::asio::steady_timer timer;  ///< the idle or write deadline; closes the socket when it fires
    Worker& worker;
    const TcpLimits& limits;
    xfr::Service* xfr;
    std::string client;
    boost::asio::ip::tcp::endpoint peer;
    std::vector<std::uint8_t> in = std::vector<std::uint8_t>(65535);
    std::vector<std::uint8_t> out = std::vector<std::uint8_t>(65537);  ///< 2-octet length + message
};

/// Serves `s` until the peer closes, a timeout fires or an I/O error occurs;
/// then calls `done` (which releases the connection slot).
boost::asio::awaitable<void> serve(std::shared_ptr<TcpSession> s, std::function<void()> done);

}  // namespace enumd::server::net
