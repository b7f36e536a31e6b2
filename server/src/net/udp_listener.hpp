#pragma once
/// UDP: one SO_REUSEPORT socket per listen address per worker, drained in
/// recvmmsg/sendmmsg batches into fixed buffers (no allocation and no
/// coroutine per packet).

#include <sys/socket.h>

#include <array>
#include <boost/asio/ip/udp.hpp>
#include <cstdint>
#include <vector>

#include "enumd/server/server.hpp"

namespace enumd::server::net {

struct Worker;

constexpr std::size_t kMaxUdpOut = 4096;  ///< our EDNS buffer is capped at this

class UdpListener {
public:
    /// Adopts `fd`, a UDP socket bound to `ep` (BoundSockets).
    UdpListener(Worker& w, const Endpoint& ep, int fd);
    /// Waits for readability; every wake-up drains a few batches.
    void arm();

private:
    static constexpr std::size_t kBatch = 32;    ///< datagrams per recvmmsg/sendmmsg
    static constexpr std::size_t kMaxIn = 4096;  ///< larger queries are not DNS queries we answer
    static constexpr int kDrainRounds = 16;      ///< batches per wake-up before yielding to other work
    void drain() noexcept;
    void hand_to_recursor(std::size_t idx, std::span<const std::uint8_t> q);
    void hand_to_writer(std::size_t idx, std::span<const std::uint8_t> q);
    Worker& worker_;
    bool rate_limited_ = false;  ///< response rate limiting applies here (query/rrl.hpp, `rate_limit: mode`)
    boost::asio::ip::udp::socket sock_;
    std::array<mmsghdr, kBatch> in_{};
    std::array<mmsghdr, kBatch> out_{};
    std::array<iovec, kBatch> in_iov_{};
    std::array<iovec, kBatch> out_iov_{};
    std::array<sockaddr_storage, kBatch> peers_{};
    std::vector<std::uint8_t> inbuf_;
    std::vector<std::uint8_t> outbuf_;
};

}  // namespace enumd::server::net
