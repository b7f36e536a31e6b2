// BoundSockets (server.hpp): the DNS sockets, bound before the first compile and before privileges drop.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <thread>

#include "enumd/server/server.hpp"

namespace enumd::server {

namespace {

[[noreturn]] void fail(int fd, const char* proto, const Endpoint& ep, const char* what) {
    int err = errno;
    if (fd >= 0) ::close(fd);
    throw std::runtime_error(std::string("cannot listen on ") + proto + " " + ep.to_text() + ": " + what +
                             std::strerror(err));
}

int open_socket(const Endpoint& ep, int type, int receive_buffer = 0) {
    const char* proto = type == SOCK_DGRAM ? "udp" : "tcp";
    sockaddr_storage ss{};
    socklen_t len = 0;
    if (!to_sockaddr(ep, ss, len)) {
        errno = EINVAL;
        fail(-1, proto, ep, "not an IP address: ");
    }
    int fd = ::socket(ss.ss_family, type | SOCK_CLOEXEC, 0);
    if (fd < 0) fail(fd, proto, ep, "");
    int one = 1;
    // UDP: one socket per worker on the same address, the kernel spreads queries. TCP: a restart
    // binds while the old connections are in TIME_WAIT.
    int opt = type == SOCK_DGRAM ? SO_REUSEPORT : SO_REUSEADDR;
    if (::setsockopt(fd, SOL_SOCKET, opt, &one, sizeof one) != 0) fail(fd, proto, ep, "setsockopt: ");
    if (ss.ss_family == AF_INET6 && ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) != 0)
        fail(fd, proto, ep, "IPV6_V6ONLY: ");
    // A larger receive buffer rides out a worker's stall (a reload's page faults, a busy core) without
    // the kernel dropping queries (UDP RcvbufErrors). FORCE passes net.core.rmem_max; it needs privilege.
    if (receive_buffer > 0 &&
        ::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &receive_buffer, sizeof receive_buffer) != 0 &&
        ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer) != 0)
        fail(fd, proto, ep, "SO_RCVBUF: ");
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&ss), len) != 0) fail(fd, proto, ep, "");
    if (type == SOCK_STREAM && ::listen(fd, SOMAXCONN) != 0) fail(fd, proto, ep, "");
    return fd;
}

}  // namespace

unsigned worker_threads(unsigned configured) noexcept {
    return configured != 0 ? configured : std::max(1U, std::thread::hardware_concurrency());
}

BoundSockets BoundSockets::bind(const std::vector<Endpoint>& listen, unsigned threads, int receive_buffer) {
    BoundSockets b;
    // TCP first: a UDP socket with SO_REUSEPORT binds beside another process's (of the same user) that set it
    // too, and would share its queries; a listening TCP port held by anyone fails here.
    for (const auto& ep : listen) b.tcp_.push_back(open_socket(ep, SOCK_STREAM));
    b.udp_.resize(worker_threads(threads));
    for (auto& per_thread : b.udp_)
        for (const auto& ep : listen) {
            int fd = open_socket(ep, SOCK_DGRAM, receive_buffer);
            per_thread.push_back(fd);
            int got = 0;
            socklen_t got_len = sizeof got;
            if (::getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &got, &got_len) == 0) {
                got /= 2;  // Linux reports twice the size asked for (the rest is bookkeeping), socket(7)
                b.udp_rcvbuf_ = b.udp_rcvbuf_ == 0 ? got : std::min(b.udp_rcvbuf_, got);
            }
        }
    return b;
}

int BoundSockets::take_udp(unsigned thread, std::size_t index) {
    int fd = udp_.at(thread).at(index);
    udp_[thread][index] = -1;
    if (fd < 0) throw std::logic_error("UDP socket taken twice");
    return fd;
}

int BoundSockets::take_tcp(std::size_t index) {
    int fd = tcp_.at(index);
    tcp_[index] = -1;
    if (fd < 0) throw std::logic_error("TCP socket taken twice");
    return fd;
}

void BoundSockets::close_all() noexcept {
    for (auto& per_thread : udp_)
        for (int fd : per_thread)
            if (fd >= 0) ::close(fd);
    for (int fd : tcp_)
        if (fd >= 0) ::close(fd);
    udp_.clear();
    tcp_.clear();
}

BoundSockets::~BoundSockets() {
    close_all();
}

BoundSockets::BoundSockets(BoundSockets&& other) noexcept
    : udp_(std::move(other.udp_)), tcp_(std::move(other.tcp_)), udp_rcvbuf_(other.udp_rcvbuf_) {
    other.udp_.clear();
    other.tcp_.clear();
}

BoundSockets& BoundSockets::operator=(BoundSockets&& other) noexcept {
    if (this != &other) {
        close_all();
        udp_ = std::move(other.udp_);
        tcp_ = std::move(other.tcp_);
        udp_rcvbuf_ = other.udp_rcvbuf_;
        other.udp_.clear();
        other.tcp_.clear();
    }
    return *this;
}

}  // namespace enumd::server
