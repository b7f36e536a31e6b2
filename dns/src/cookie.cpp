#include "enumd/dns/cookie.hpp"

#include <cstring>

#include "enumd/dns/wire.hpp"

namespace enumd::dns {
namespace {

constexpr std::uint64_t rotl(std::uint64_t x, int b) noexcept { return (x << b) | (x >> (64 - b)); }

std::uint64_t load_le64(const std::uint8_t* p) noexcept {
    std::uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
    return v;
}

struct SipState {
    std::uint64_t v0, v1, v2, v3;
    void round() noexcept {
        v0 += v1;
        v1 = rotl(v1, 13);
        v1 ^= v0;
        v0 = rotl(v0, 32);
        v2 += v3;
        v3 = rotl(v3, 16);
        v3 ^= v2;
        v0 += v3;
        v3 = rotl(v3, 21);
        v3 ^= v0;
        v2 += v1;
        v1 = rotl(v1, 17);
        v1 ^= v2;
        v2 = rotl(v2, 32);
    }
    void absorb(std::uint64_t m) noexcept {  // c = 2 compression rounds
        v3 ^= m;
        round();
        round();
        v0 ^= m;
    }
};

/// The hash input of RFC 9018 §4.2: client cookie | version | reserved | timestamp | address.
std::size_t hash_input(std::span<const std::uint8_t> client_cookie, std::span<const std::uint8_t, 8> head,
                       std::span<const std::uint8_t> client_ip, std::uint8_t (&buf)[32]) noexcept {
    std::memcpy(buf, client_cookie.data(), kClientCookieSize);
    std::memcpy(buf + 8, head.data(), 8);
    std::size_t ip = client_ip.size() > 16 ? 16 : client_ip.size();
    if (ip != 0) std::memcpy(buf + 16, client_ip.data(), ip);
    return 16 + ip;
}

}  // namespace

std::uint64_t siphash24(const CookieSecret& key, std::span<const std::uint8_t> msg) noexcept {
    const std::uint64_t k0 = load_le64(key.data());
    const std::uint64_t k1 = load_le64(key.data() + 8);
    SipState s{k0 ^ 0x736f6d6570736575ULL, k1 ^ 0x646f72616e646f6dULL, k0 ^ 0x6c7967656e657261ULL,
               k1 ^ 0x7465646279746573ULL};
    const std::size_t whole = msg.size() / 8 * 8;
    for (std::size_t i = 0; i < whole; i += 8) s.absorb(load_le64(msg.data() + i));
    // The last block: the remaining octets, the length's low byte on top.
    std::uint64_t last = static_cast<std::uint64_t>(msg.size() & 0xFF) << 56;
    for (std::size_t i = whole; i < msg.size(); ++i) last |= static_cast<std::uint64_t>(msg[i]) << (8 * (i - whole));
    s.absorb(last);
    s.v2 ^= 0xFF;
    for (int i = 0; i < 4; ++i) s.round();  // d = 4 finalisation rounds
    return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

void make_server_cookie(const CookieSecret& secret, std::span<const std::uint8_t> client_cookie,
                        std::span<const std::uint8_t> client_ip, std::uint32_t now,
                        std::span<std::uint8_t, kServerCookieSize> out) noexcept {
    out[0] = 1;  // Version 1 (RFC 9018 §4.2); Reserved: zero when we make it
    out[1] = out[2] = out[3] = 0;
    store_u32(out.data() + 4, now);
    std::uint8_t buf[32];
    std::size_t n = hash_input(client_cookie, out.first<8>(), client_ip, buf);
    // The hash goes out in the byte order SipHash's reference implementation writes it (little-endian).
    std::uint64_t h = siphash24(secret, {buf, n});
    for (int i = 0; i < 8; ++i) out[8 + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(h >> (8 * i));
}

bool server_cookie_valid(const CookieSecret& secret, std::span<const std::uint8_t> option,
                         std::span<const std::uint8_t> client_ip, std::uint32_t now) noexcept {
    if (option.size() != kClientCookieSize + kServerCookieSize) return false;
    std::span<const std::uint8_t> server = option.subspan(kClientCookieSize);
    if (server[0] != 1) return false;
    // §4.3: at most 1 hour old, at most 5 minutes early (serial arithmetic on 32 bits).
    const std::uint32_t stamped = load_u32(server.data() + 4);
    const auto age = static_cast<std::int32_t>(now - stamped);
    if (age > 3600 || age < -300) return false;
    std::uint8_t buf[32];
    std::size_t n = hash_input(option.first(kClientCookieSize), server.first<8>(), client_ip, buf);
    std::uint64_t h = siphash24(secret, {buf, n});
    std::uint8_t want[8];
    for (int i = 0; i < 8; ++i) want[i] = static_cast<std::uint8_t>(h >> (8 * i));
    std::uint8_t diff = 0;  // constant time: no early exit on the first differing octet
    for (std::size_t i = 0; i < 8; ++i) diff = static_cast<std::uint8_t>(diff | (want[i] ^ server[8 + i]));
    return diff == 0;
}

void write_cookie_option(const CookieSecret& secret, std::span<const std::uint8_t> option,
                         std::span<const std::uint8_t> client_ip, std::uint32_t now,
                         std::span<std::uint8_t, kCookieOptionSize> out) noexcept {
    store_u16(out.data(), kEdnsCookie);
    store_u16(out.data() + 2, static_cast<std::uint16_t>(kClientCookieSize + kServerCookieSize));
    std::memcpy(out.data() + 4, option.data(), kClientCookieSize);
    make_server_cookie(secret, option.first(kClientCookieSize), client_ip, now,
                       out.subspan<4 + kClientCookieSize, kServerCookieSize>());
}

}  // namespace enumd::dns
