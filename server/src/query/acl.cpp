#include "enumd/server/acl.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <charconv>
#include <cstring>

namespace enumd::server {
namespace {

bool prefix_match(const std::uint8_t* a, const std::uint8_t* b, unsigned bits) noexcept {
    unsigned bytes = bits / 8;
    if (std::memcmp(a, b, bytes) != 0) return false;
    unsigned rest = bits % 8;
    if (rest == 0) return true;
    auto mask = static_cast<std::uint8_t>(0xFF << (8 - rest));
    return (a[bytes] & mask) == (b[bytes] & mask);
}

}  // namespace

std::optional<Acl::Entry> Acl::parse_entry(const std::string& text) {
    Entry e;
    std::string addr = text;
    std::optional<unsigned> prefix;
    if (auto slash = text.find('/'); slash != std::string::npos) {
        addr = text.substr(0, slash);
        unsigned v = 0;
        const char* b = text.data() + slash + 1;
        const char* end = text.data() + text.size();
        auto r = std::from_chars(b, end, v);
        if (r.ec != std::errc{} || r.ptr != end || b == end) return std::nullopt;
        prefix = v;
    }
    if (inet_pton(AF_INET, addr.c_str(), e.addr.data()) == 1) {
        e.family = AF_INET;
        e.prefix = prefix.value_or(32);
        if (e.prefix > 32) return std::nullopt;
    } else if (inet_pton(AF_INET6, addr.c_str(), e.addr.data()) == 1) {
        e.family = AF_INET6;
        e.prefix = prefix.value_or(128);
        if (e.prefix > 128) return std::nullopt;
    } else {
        return std::nullopt;
    }
    return e;
}

std::span<const std::uint8_t> client_address(const sockaddr* sa) noexcept {
    if (sa->sa_family == AF_INET)
        return {reinterpret_cast<const std::uint8_t*>(&reinterpret_cast<const sockaddr_in*>(sa)->sin_addr), 4};
    if (sa->sa_family != AF_INET6) return {};
    const std::uint8_t* v6 = reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr.s6_addr;
    static constexpr std::uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
    if (std::memcmp(v6, kMapped, 12) == 0) return {v6 + 12, 4};
    return {v6, 16};
}

bool Acl::allows(const sockaddr* sa) const noexcept {
    if (everyone_) return true;  // an empty list falls through: nobody
    const std::uint8_t* v4 = nullptr;
    const std::uint8_t* v6 = nullptr;
    if (sa->sa_family == AF_INET) {
        v4 = reinterpret_cast<const std::uint8_t*>(&reinterpret_cast<const sockaddr_in*>(sa)->sin_addr);
    } else if (sa->sa_family == AF_INET6) {
        v6 = reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr.s6_addr;
        static constexpr std::uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
        if (std::memcmp(v6, kMapped, 12) == 0) v4 = v6 + 12;
    } else {
        return false;
    }
    for (const auto& e : entries_) {
        if (e.family == AF_INET && v4 != nullptr && prefix_match(v4, e.addr.data(), e.prefix)) return true;
        if (e.family == AF_INET6 && v6 != nullptr && prefix_match(v6, e.addr.data(), e.prefix)) return true;
    }
    return false;
}

}  // namespace enumd::server
