#pragma once
/// Views (zones/README.md "Views"): answers that depend on the client's
/// network, as BIND views and Knot's geoip module give them. A zone file's
/// `views:` section names views, each with the client networks it matches and
/// RRsets that replace the default RRset of the same type at the same owner
/// (per RRset, as Knot's geoip module does). The first view whose networks
/// hold the client's address wins (BIND's order); no match is the default
/// view, which is what the zone's records say and what transfers carry.
///
/// Here: the model's view (what the YAML reader produces and validation
/// checks), the compiled table the store keeps beside the zone and every
/// reader loads (the override RRsets packed as nodes), and view selection
/// with the RFC 7871 scope — all without allocation once loaded.

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "enumd/dns/result.hpp"

namespace enumd::zones {

struct Record;
struct Zone;
struct Diagnostics;

/// An address family and prefix: "192.0.2.0/24", "2001:db8::/32", "192.0.2.7" (a /32).
/// IPv4 bytes are the first four of `address`.
struct Network {
    bool v6 = false;
    std::uint8_t prefix = 0;
    std::array<std::uint8_t, 16> address{};
    /// Parses CIDR text; an error sentence for a bad address, a prefix beyond the
    /// family's length, or address bits set beyond the prefix (192.0.2.1/24 is a typo).
    static dns::Result<Network> from_text(std::string_view text);
    [[nodiscard]] std::string to_text() const;
    friend bool operator==(const Network& a, const Network& b) noexcept {
        return a.v6 == b.v6 && a.prefix == b.prefix && a.address == b.address;
    }
    /// True when this network holds every address of `inner` (same family).
    [[nodiscard]] bool covers(const Network& inner) const noexcept;
};

/// The address views are chosen by: the client's source address (an IPv4-mapped
/// IPv6 address folded to IPv4 by the caller) or, for a trusted resolver, the
/// RFC 7871 ECS address (bits beyond its source prefix zero).
struct ViewClient {
    bool v6 = false;
    std::array<std::uint8_t, 16> address{};
    /// From raw address bytes: 4 (IPv4) or 16 (IPv6); nothing for other sizes.
    static std::optional<ViewClient> from_bytes(std::span<const std::uint8_t> bytes) noexcept;
};

/// Checks a zone's views against its default records: duplicate view names,
/// a network matched by an earlier view (identical: an error; inside an earlier
/// one: a warning, it never matches), owners outside the zone or not in the
/// default view (a view changes RRsets of names, never which names exist), at
/// or below a zone cut, SOA/NS/DNAME in a view, and CNAME beside other data once
/// the view's RRsets replace the default's (RFC 1034 §3.6.2, RFC 2181 §10.1).
void validate_views(const Zone& zone, Diagnostics& diags);

/// The compiled views of one zone version, as every reader holds them. Override
/// nodes are packed like the store's nodes (store.hpp NodeView) and hold only the
/// view's RRsets; the reader lays them over the default node.
class ViewTable {
public:
    struct Compiled {
        std::string name;
        std::vector<Network> match;
        /// (owner lookup key relative to the origin, packed node), sorted by key.
        std::vector<std::pair<std::string, std::string>> overrides;
    };
    std::vector<Compiled> views;

    /// The first view whose networks hold `client` (BIND order), or -1: the default.
    [[nodiscard]] int select(const ViewClient& client) const noexcept;
    /// RFC 7871 §7.2.1 SCOPE PREFIX-LENGTH for an answer chosen for `client` (view
    /// `selected`, -1 the default): the fewest leading bits of the address that
    /// decide the choice — at least the matched network's prefix, and enough bits
    /// to leave every network of the views tried before it (for the default: of
    /// every view), so that no address under address/scope gets another view.
    [[nodiscard]] std::uint8_t scope(const ViewClient& client, int selected) const noexcept;
    /// The override node of view `view` at `rel_key`, empty when the view keeps the default there.
    [[nodiscard]] std::span<const std::uint8_t> override_node(int view, std::span<const std::uint8_t> rel_key) const noexcept;

    [[nodiscard]] std::string encode() const;
    static std::optional<ViewTable> decode(std::span<const std::uint8_t> blob);
};

}  // namespace enumd::zones
