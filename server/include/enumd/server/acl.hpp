#pragma once
/// Address access lists ("127.0.0.0/8", "::1", "2001:db8::/32"), matched on
/// the hot path without allocation. An empty list allows everyone.

#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace enumd::server {

class Acl {
public:
    struct Entry {
        int family = AF_INET;                 ///< AF_INET or AF_INET6
        std::array<std::uint8_t, 16> addr{};  ///< network bytes
        unsigned prefix = 0;                  ///< prefix length in bits
    };
    /// Parses one "address[/prefix]"; nothing on malformed input.
    static std::optional<Entry> parse_entry(const std::string& text);
    void add(const Entry& e) { entries_.push_back(e); }
    [[nodiscard]] bool empty() const noexcept { return entries_.empty(); }
    /// True when `sa` matches an entry (IPv4-mapped IPv6 addresses match IPv4
    /// entries), or when the list is empty.
    [[nodiscard]] bool allows(const sockaddr* sa) const noexcept;

private:
    std::vector<Entry> entries_;
};

}  // namespace enumd::server
