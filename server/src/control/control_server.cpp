#include "control/control_server.hpp"

#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <cerrno>
#include <cstring>
#include <istream>
#include <memory>
#include <stdexcept>

#include "net/deadline.hpp"

namespace enumd::server::control {

namespace asio = boost::asio;
using asio::use_awaitable;
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

void ControlServer::start() { asio::co_spawn(io_, accept_loop(), asio::detached); }

asio::awaitable<void> ControlServer::accept_loop() {
    for (;;) {
        boost::system::error_code ec;
        stream_protocol::socket s = co_await acceptor_.async_accept(asio::redirect_error(use_awaitable, ec));
        if (ec) {
            if (ec == asio::error::operation_aborted) co_return;
            continue;
        }
        if (active_ >= kMaxConnections) {
            s.close(ec);
            continue;
        }
        ++active_;
        const bool allowed = peer_allowed(s.native_handle());
        asio::co_spawn(io_, serve(std::move(s), allowed), asio::detached);
    }
}

asio::awaitable<void> ControlServer::serve(stream_protocol::socket sock, bool allowed) {
    struct Conn {
        Conn(stream_protocol::socket s, asio::io_context& io) : sock(std::move(s)), timer(io) {}
        stream_protocol::socket sock;
        asio::steady_timer timer;
    };
    auto c = std::make_shared<Conn>(std::move(sock), io_);
    boost::system::error_code ec;
    asio::streambuf buf(1024);
    net::close_on_expiry(c->timer, kTimeout, c->sock, c);
    co_await asio::async_read_until(c->sock, buf, "\n", asio::redirect_error(use_awaitable, ec));
    c->timer.cancel();
    if (!ec) {
        std::istream is(&buf);
        std::string cmd;
        is >> cmd;
        // The command is read first so that a refused client sees the reason, not a broken pipe.
        std::string reply = allowed ? handler_(cmd) : "error permission denied: not enumd's user or root\n";
        net::close_on_expiry(c->timer, kTimeout, c->sock, c);
        co_await asio::async_write(c->sock, asio::buffer(reply), asio::redirect_error(use_awaitable, ec));
        c->timer.cancel();
    }
    c->sock.close(ec);
    --active_;
}

}  // namespace enumd::server::control
