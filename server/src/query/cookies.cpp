#include "query/cookies.hpp"

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
    // RFC 9018 §4.2 hashes 4 octets for IPv4 (also when mapped into IPv6), else 16.
    const std::span<const std::uint8_t> addr = client_address(peer);
    timespec ts{};
    clock_gettime(CLOCK_REALTIME_COARSE, &ts);
    const auto now = static_cast<std::uint32_t>(ts.tv_sec);
    const bool valid = dns::server_cookie_valid(secret_, option, addr, now);
    dns::write_cookie_option(secret_, option, addr, now, out);
    return valid;
}

}  // namespace enumd::server::query
