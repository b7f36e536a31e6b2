#pragma once
/// A scripted DNS server on loopback (UDP and optional TCP) for the client
/// tests: each query runs a script that returns the datagrams to send back.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <functional>
#include <set>
#include <span>
#include <thread>
#include <vector>

#include "enumd/dns/wire.hpp"
#include "enumd/resolver/exchange.hpp"

namespace enumd::testing {

using resolver::ServerAddress;
using resolver::parse_server;

/// A UDP socket bound to 127.0.0.1 on a port the kernel picks; `addr` becomes where it listens.
inline int loopback_udp_socket(sockaddr_in& addr) {
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    addr = sockaddr_in{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    socklen_t len = sizeof addr;
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    return fd;
}

struct Datagram {
    std::vector<std::uint8_t> bytes;
    bool from_other_socket = false;
};

/// A UDP (and optional TCP) server on 127.0.0.1 that runs `script` for
/// each query. Stops within 50 ms of destruction; bounded by its own
/// deadline of 10 s in any case.
class ScriptedServer {
public:
    using Script = std::function<std::vector<Datagram>(const dns::QueryView&, std::span<const std::uint8_t>)>;
    explicit ScriptedServer(Script udp, Script tcp = nullptr) : udp_(std::move(udp)), tcp_(std::move(tcp)) {
        other_ = socket(AF_INET, SOCK_DGRAM, 0);
        // The TCP listener takes the UDP socket's port; another process may
        // hold that TCP port (an ephemeral client port): draw again.
        bool ready = false;
        for (int attempt = 0; attempt < 32 && !ready; ++attempt) {
            if (fd_ >= 0) close(fd_);
            if (lfd_ >= 0) close(lfd_);
            lfd_ = -1;
            sockaddr_in a{};
            fd_ = loopback_udp_socket(a);
            port_ = ntohs(a.sin_port);
            ready = true;
            if (tcp_) {
                lfd_ = socket(AF_INET, SOCK_STREAM, 0);
                int one = 1;
                setsockopt(lfd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
                ready = bind(lfd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 && listen(lfd_, 4) == 0;
            }
        }
        REQUIRE(ready);
        thread_ = std::thread([this] { loop(); });
    }
    ~ScriptedServer() {
        stop_ = true;
        thread_.join();
        close(fd_);
        close(other_);
        if (lfd_ >= 0) close(lfd_);
    }
    [[nodiscard]] std::uint16_t port() const { return port_; }
    [[nodiscard]] ServerAddress address() const { return *parse_server("127.0.0.1:" + std::to_string(port_)); }
    std::atomic<int> queries{0};
    std::set<std::uint16_t> source_ports;
    std::set<std::uint16_t> ids;

private:
    void loop() {
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        std::vector<std::uint8_t> buf(65535);
        while (!stop_ && std::chrono::steady_clock::now() < deadline) {
            pollfd p[2] = {{fd_, POLLIN, 0}, {lfd_, POLLIN, 0}};
            if (poll(p, lfd_ >= 0 ? 2 : 1, 50) <= 0) continue;
            if ((p[0].revents & POLLIN) != 0) {
                sockaddr_in from{};
                socklen_t fl = sizeof from;
                auto n = recvfrom(fd_, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&from), &fl);
                if (n <= 0) continue;
                ++queries;
                source_ports.insert(ntohs(from.sin_port));
                std::span<const std::uint8_t> q(buf.data(), static_cast<std::size_t>(n));
                dns::QueryView qv;
                if (dns::parse_query(q, qv) != dns::QueryParse::Ok) continue;
                ids.insert(qv.header.id);
                for (const auto& r : udp_(qv, q)) {
                    sendto(r.from_other_socket ? other_ : fd_, r.bytes.data(), r.bytes.size(), 0,
                           reinterpret_cast<sockaddr*>(&from), fl);
                }
            }
            if (lfd_ >= 0 && (p[1].revents & POLLIN) != 0) {
                int c = accept(lfd_, nullptr, nullptr);
                if (c < 0) continue;
                std::uint8_t len[2];
                if (recv(c, len, 2, MSG_WAITALL) == 2) {
                    std::size_t ql = static_cast<std::size_t>(len[0] << 8 | len[1]);
                    if (recv(c, buf.data(), ql, MSG_WAITALL) == static_cast<ssize_t>(ql)) {
                        std::span<const std::uint8_t> q(buf.data(), ql);
                        dns::QueryView qv;
                        if (dns::parse_query(q, qv) == dns::QueryParse::Ok) {
                            for (const auto& r : tcp_(qv, q)) {
                                std::uint8_t l2[2] = {static_cast<std::uint8_t>(r.bytes.size() >> 8),
                                                      static_cast<std::uint8_t>(r.bytes.size())};
                                send(c, l2, 2, 0);
                                send(c, r.bytes.data(), r.bytes.size(), 0);
                            }
                        }
                    }
                }
                close(c);
            }
        }
    }
    Script udp_, tcp_;
    int fd_ = -1, other_ = -1, lfd_ = -1;
    std::uint16_t port_ = 0;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

/// A response to `qv` with `n` A records (192.0.2.1, .2, ...) or the given rcode.
inline std::vector<std::uint8_t> respond(const dns::QueryView& qv, int n, std::uint16_t id_delta = 0, std::uint8_t rcode = 0,
                                  bool tc = false, bool soa = false, std::uint8_t first_octet = 192) {
    std::vector<std::uint8_t> buf(4096);
    dns::MessageWriter w(buf, buf.size());
    w.set_header(static_cast<std::uint16_t>(qv.header.id + id_delta),
                 static_cast<std::uint16_t>(dns::flags::QR | dns::flags::AA | (tc ? dns::flags::TC : 0)));
    w.set_rcode(rcode);
    w.add_question(qv.question.qname, qv.question.qtype, 1);
    for (int i = 0; i < n; ++i) {
        std::uint8_t a[4] = {first_octet, 0, 2, static_cast<std::uint8_t>(i + 1)};
        w.add_record(dns::Section::Answer, qv.question.qname, dns::RrType::A, 1, 300, a);
    }
    if (soa) {
        auto z = *dns::Name::from_text("example.");
        std::vector<std::uint8_t> rd;
        for (auto b : z.wire()) rd.push_back(b);
        for (auto b : z.wire()) rd.push_back(b);
        for (std::uint32_t v : {1U, 3600U, 600U, 86400U, 60U}) {
            rd.push_back(static_cast<std::uint8_t>(v >> 24));
            rd.push_back(static_cast<std::uint8_t>(v >> 16));
            rd.push_back(static_cast<std::uint8_t>(v >> 8));
            rd.push_back(static_cast<std::uint8_t>(v));
        }
        w.add_record(dns::Section::Authority, z, dns::RrType::SOA, 1, 300, rd);
    }
    buf.resize(w.size());
    return buf;
}

}  // namespace enumd::testing
