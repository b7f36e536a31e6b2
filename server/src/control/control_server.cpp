#include "control/control_server.hpp"

#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cerrno>
#include <cstring>
#include <memory>
#include <sstream>
#include <stdexcept>

#include "net/admin_exchange.hpp"

namespace enumd::server::control {

namespace asio = boost::asio;
using asio::local::stream_protocol;

namespace {

/// Only enumd's own user and root may reload or read the zones.
bool peer_allowed(int fd) {
    ucred cred{};
    socklen_t len = sizeof cred;
    if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) return false;
    return cred.uid == 0 || cred.uid == ::geteuid();
}

}  // namespace

ControlServer::ControlServer(asio::io_context& io, std::string path, Handler handler)
    : io_(io), path_(std::move(path)), acceptor_(io), handler_(std::move(handler)) {
    ::unlink(path_.c_str());
    stream_protocol::endpoint ep(path_);
    acceptor_.open(ep.protocol());
    // Linux gives the socket file the mode of the socket's inode less the umask:
    // 0600 before bind means it never exists with more; chmod after bind makes it
    // exactly 0600 (and the peer check below covers any other system).
    ::fchmod(acceptor_.native_handle(), S_IRUSR | S_IWUSR);
    boost::system::error_code ec;
    acceptor_.bind(ep, ec);
    if (ec) throw std::runtime_error("cannot create control socket " + path_ + ": " + ec.message());
    if (::chmod(path_.c_str(), S_IRUSR | S_IWUSR) != 0)
        throw std::runtime_error("chmod 0600 " + path_ + ": " + std::strerror(errno));
    acceptor_.listen();
}

ControlServer::~ControlServer() { ::unlink(path_.c_str()); }

void ControlServer::start() {
    net::ExchangeLimits limits{kMaxConnections, kMaxRequest, kTimeout};
    asio::co_spawn(io_,
                   net::serve_requests(io_, acceptor_, active_, "\n", limits,
                                       [this](const std::string& head,
                                              stream_protocol::socket& s) -> asio::awaitable<std::string> {
                                           std::istringstream is(head);
                                           std::string cmd;
                                           is >> cmd;
                                           // Live changes (live_commands.hpp) are one tab-separated line.
                                           if (head.find('\t') != std::string::npos) {
                                               cmd = head;
                                               while (!cmd.empty() && (cmd.back() == '\n' || cmd.back() == '\r'))
                                                   cmd.pop_back();
                                           }
                                           // The command is read first so that a refused client sees the
                                           // reason, not a broken pipe.
                                           if (!peer_allowed(s.native_handle()))
                                               co_return std::string(
                                                   "error permission denied: not enumd's user or root\n");
                                           co_return co_await answer(cmd);
                                       }),
                   asio::detached);
}

asio::awaitable<std::string> ControlServer::answer(const std::string& command) {
    auto executor = co_await asio::this_coro::executor;
    co_return co_await asio::async_initiate<decltype(asio::use_awaitable), void(std::string)>(
        [&](auto completion) {
            // The reply may come from the writer thread: the coroutine resumes on the admin thread.
            auto shared = std::make_shared<decltype(completion)>(std::move(completion));
            handler_(command, [shared, executor](std::string text) {
                asio::post(executor, [shared, text = std::move(text)]() mutable { (*shared)(std::move(text)); });
            });
        },
        asio::use_awaitable);
}

}  // namespace enumd::server::control
