#pragma once
/// Address access lists ("127.0.0.0/8", "::1", "2001:db8::/32"), matched on
/// the hot path without allocation. A list allows exactly the addresses it
/// holds and fails closed: an empty list allows nobody. Only Acl::everyone()
/// allows every address (the query ACL when none is configured).

#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace enumd::server {

/// A client's address as its bytes: 4 for IPv4, also when mapped into an IPv6
/// socket (::ffff:a.b.c.d), 16 for IPv6, none for other families. Points into `sa`.
std::span<const std::uint8_t> client_address(const sockaddr* sa) noexcept;

class Acl {
public:
    struct Entry {
        int family = AF_INET;                 ///< AF_INET or AF_INET6
        std::array<std::uint8_t, 16> addr{};  ///< network bytes
        unsigned prefix = 0;                  ///< prefix length in bits
    };
    /// Parses one "address[/prefix]"; nothing on malformed input.
    static std::optional<Entry> parse_entry(const std::string& text);
    /// The list that allows every address.
    static Acl everyone() {
        Acl a;
        a.everyone_ = true;
        return a;
    }
    /// Adds an entry; a list made by everyone() becomes exactly its entries.
    void add(const Entry& e) {
        everyone_ = false;
        entries_.push_back(e);
    }
    [[nodiscard]] bool is_everyone() const noexcept { return everyone_; }
    /// True when `sa` matches an entry (IPv4-mapped IPv6 addresses match IPv4
    /// entries), or for everyone(). An empty list allows nobody.
    [[nodiscard]] bool allows(const sockaddr* sa) const noexcept;

private:
    std::vector<Entry> entries_;
    bool everyone_ = false;
};

}  // namespace enumd::server
