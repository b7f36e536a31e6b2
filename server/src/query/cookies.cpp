#include "query/cookies.hpp"

#include <netinet/in.h>
#include <sys/random.h>

#include <cstring>
#include <ctime>
#include <stdexcept>

namespace enumd::server::query {

Cookies::Cookies(const CookieConfig& config) {
    if (config.secret) {
        secret_ = *config.secret;
    } else if (::getrandom(secret_.data(), secret_.size(), 0) != static_cast<ssize_t>(secret_.size())) {
        throw std::runtime_error("getrandom failed: no secret for DNS cookies");
    }
}

bool Cookies::respond(std::span<const std::uint8_t> option, const sockaddr* peer,
                      std::span<std::uint8_t, dns::kCookieOptionSize> out) const noexcept {
    // The client address as RFC 9018 §4.2 hashes it: 4 octets for IPv4 (also when mapped into IPv6), else 16.
    std::uint8_t ip[16] = {};
    std::size_t ip_len = 0;
    if (peer->sa_family == AF_INET) {
        std::memcpy(ip, &reinterpret_cast<const sockaddr_in*>(peer)->sin_addr, 4);
        ip_len = 4;
    } else if (peer->sa_family == AF_INET6) {
        const auto& a = reinterpret_cast<const sockaddr_in6*>(peer)->sin6_addr;
        if (IN6_IS_ADDR_V4MAPPED(&a)) {
            std::memcpy(ip, reinterpret_cast<const std::uint8_t*>(&a) + 12, 4);
            ip_len = 4;
        } else {
            std::memcpy(ip, &a, 16);
            ip_len = 16;
        }
    }
    timespec ts{};
    clock_gettime(CLOCK_REALTIME_COARSE, &ts);
    const auto now = static_cast<std::uint32_t>(ts.tv_sec);
    std::span<const std::uint8_t> addr(ip, ip_len);
    const bool valid = dns::server_cookie_valid(secret_, option, addr, now);
    dns::write_cookie_option(secret_, option, addr, now, out);
    return valid;
}

}  // namespace enumd::server::query
