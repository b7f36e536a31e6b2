#include "net/udp_listener.hpp"

#include <sys/socket.h>

#include <boost/asio/ip/address.hpp>
#include <cerrno>
#include <chrono>
#include <stdexcept>

#include "enumd/server/update.hpp"
#include "net/endpoint.hpp"
#include "net/worker.hpp"
#include "query/rrl.hpp"

namespace enumd::server::net {

namespace asio = boost::asio;
using asio::ip::udp;

UdpListener::UdpListener(Worker& w, const Endpoint& ep, int fd)
    : worker_(w), sock_(w.io), inbuf_(kBatch * kMaxIn), outbuf_(kBatch * kMaxUdpOut) {
    // Bound by BoundSockets (SO_REUSEPORT: one socket per thread on the same address, the kernel spreads queries).
    auto addr = asio::ip::make_address(ep.address);
    sock_.assign(addr.is_v6() ? udp::v6() : udp::v4(), fd);
    sock_.non_blocking(true);
    if (const query::ResponseRateLimiter* rrl = w.pipeline.rrl()) {
        // `auto`: limit where spoofed queries can come from, not on loopback.
        rate_limited_ = rrl->config().mode == RrlConfig::Mode::On ||
                        (rrl->config().mode == RrlConfig::Mode::Auto && !addr.is_loopback());
    }
}

void UdpListener::arm() {
    sock_.async_wait(udp::socket::wait_read, [this](const boost::system::error_code& ec) {
        if (ec) return;
        drain();
        arm();
    });
}

void UdpListener::hand_to_recursor(std::size_t idx, std::span<const std::uint8_t> q) {
    // The recursor replies from its own thread with sendto on this socket.
    const int fd = sock_.native_handle();
    sockaddr_storage to = peers_[idx];
    socklen_t tolen = in_[idx].msg_hdr.msg_namelen;
    ThreadStats* stats = worker_.pipeline.stats();
    const auto t0 = std::chrono::steady_clock::now();
    worker_.pipeline.recursor()->submit(
        std::vector<std::uint8_t>(q.begin(), q.end()), peer_address(reinterpret_cast<const sockaddr*>(&to)),
        worker_.pipeline.options().edns_buffer, [fd, to, tolen, stats, t0](std::vector<std::uint8_t> resp) {
            // Counted in the totals and the latency histogram with the authoritative answers (issue 13).
            const auto took = std::chrono::steady_clock::now() - t0;
            stats->record_recursive(resp, Transport::Udp,
                                    static_cast<std::uint64_t>(std::chrono::nanoseconds(took).count()));
            if (resp.empty()) return;
            ::sendto(fd, resp.data(), resp.size(), MSG_DONTWAIT, reinterpret_cast<const sockaddr*>(&to), tolen);
        });
}

void UdpListener::hand_to_writer(std::size_t idx, std::span<const std::uint8_t> q) {
    // The writer replies from its thread after the commit, with sendto on this socket.
    const int fd = sock_.native_handle();
    sockaddr_storage to = peers_[idx];
    socklen_t tolen = in_[idx].msg_hdr.msg_namelen;
    worker_.pipeline.update()->submit_update(
        std::vector<std::uint8_t>(q.begin(), q.end()), reinterpret_cast<const sockaddr*>(&to),
        [fd, to, tolen](std::vector<std::uint8_t> resp) {
            if (resp.empty()) return;
            ::sendto(fd, resp.data(), resp.size(), MSG_DONTWAIT, reinterpret_cast<const sockaddr*>(&to), tolen);
        });
}

void UdpListener::drain() noexcept {
    const int fd = sock_.native_handle();
    for (int round = 0; round < kDrainRounds; ++round) {
        for (std::size_t i = 0; i < kBatch; ++i) {
            in_iov_[i] = {inbuf_.data() + i * kMaxIn, kMaxIn};
            in_[i].msg_hdr = {};
            in_[i].msg_hdr.msg_name = &peers_[i];
            in_[i].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
            in_[i].msg_hdr.msg_iov = &in_iov_[i];
            in_[i].msg_hdr.msg_iovlen = 1;
        }
        int n = ::recvmmsg(fd, in_.data(), kBatch, MSG_DONTWAIT, nullptr);
        if (n <= 0) return;
        std::size_t k = 0;
        for (int i = 0; i < n; ++i) {
            auto idx = static_cast<std::size_t>(i);
            if ((in_[idx].msg_hdr.msg_flags & MSG_TRUNC) != 0) continue;  // oversize: not a query we answer
            std::span<const std::uint8_t> q(inbuf_.data() + idx * kMaxIn, in_[idx].msg_len);
            std::span<std::uint8_t> out(outbuf_.data() + idx * kMaxUdpOut, kMaxUdpOut);
            const auto* peer = reinterpret_cast<const sockaddr*>(&peers_[idx]);
            query::Handled h = worker_.pipeline.handle(q, out, Transport::Udp, peer, rate_limited_);
            if (h.next == query::Next::Recurse || h.next == query::Next::Update) {
                try {
                    if (h.next == query::Next::Update) hand_to_writer(idx, q);
                    else hand_to_recursor(idx, q);
                } catch (const std::exception&) {
                    // Out of memory for the hand-off: drop it like a lost datagram, the client retries.
                }
                continue;
            }
            if (h.size == 0) continue;
            out_iov_[k] = {out.data(), h.size};
            out_[k].msg_hdr = {};
            out_[k].msg_hdr.msg_name = &peers_[idx];
            out_[k].msg_hdr.msg_namelen = in_[idx].msg_hdr.msg_namelen;
            out_[k].msg_hdr.msg_iov = &out_iov_[k];
            out_[k].msg_hdr.msg_iovlen = 1;
            ++k;
        }
        std::size_t sent = 0;
        while (sent < k) {
            int s = ::sendmmsg(fd, out_.data() + sent, static_cast<unsigned>(k - sent), MSG_DONTWAIT);
            if (s <= 0) {
                if (s < 0 && errno == EINTR) continue;
                // Socket buffer full or peer error: drop the rest (UDP), the client retries.
                if (s < 0 && errno != EAGAIN && errno != EWOULDBLOCK) ++sent;  // skip the failing one
                else break;
                continue;
            }
            sent += static_cast<std::size_t>(s);
        }
        if (static_cast<std::size_t>(n) < kBatch) return;
    }
}

}  // namespace enumd::server::net
