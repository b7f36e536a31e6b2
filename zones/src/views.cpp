#include "enumd/zones/views.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <set>
#include <utility>

#include "enumd/dns/name.hpp"
#include "enumd/zones/model.hpp"

namespace enumd::zones {
namespace {

/// Leading bits `a` and `b` share, up to `limit`.
unsigned common_bits(const std::array<std::uint8_t, 16>& a, const std::array<std::uint8_t, 16>& b,
                     unsigned limit) noexcept {
    unsigned n = 0;
    for (std::size_t i = 0; i < 16 && n < limit; ++i) {
        std::uint8_t x = a[i] ^ b[i];
        if (x == 0) {
            n += 8;
            continue;
        }
        while ((x & 0x80) == 0) {
            ++n;
            x = static_cast<std::uint8_t>(x << 1);
        }
        break;
    }
    return std::min(n, limit);
}

bool holds(const Network& n, const ViewClient& c) noexcept {
    return n.v6 == c.v6 && common_bits(n.address, c.address, n.prefix) >= n.prefix;
}

template <typename T>
void put_le(std::string& out, T v) {
    for (std::size_t i = 0; i < sizeof(T); ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

struct Cursor {
    std::span<const std::uint8_t> b;
    std::size_t p = 0;
    bool ok = true;
    template <typename T>
    T le() {
        if (p + sizeof(T) > b.size()) {
            ok = false;
            return 0;
        }
        T v = 0;
        for (std::size_t i = 0; i < sizeof(T); ++i) v = static_cast<T>(v | (static_cast<T>(b[p + i]) << (8 * i)));
        p += sizeof(T);
        return v;
    }
    std::string bytes(std::size_t n) {
        if (p + n > b.size()) {
            ok = false;
            return {};
        }
        std::string s(reinterpret_cast<const char*>(b.data() + p), n);
        p += n;
        return s;
    }
};

constexpr char kTableTag = 'V';  // format version of the encoded table

}  // namespace

dns::Result<Network> Network::from_text(std::string_view text) {
    std::string t(text);
    std::string addr = t;
    std::optional<unsigned> prefix;
    if (auto slash = t.find('/'); slash != std::string::npos) {
        addr = t.substr(0, slash);
        std::string p = t.substr(slash + 1);
        if (p.empty() || p.size() > 3 || !std::all_of(p.begin(), p.end(), [](char c) { return c >= '0' && c <= '9'; }))
            return dns::make_error("'" + t + "': the prefix length after '/' must be a number");
        prefix = static_cast<unsigned>(std::stoul(p));
    }
    Network n;
    if (inet_pton(AF_INET, addr.c_str(), n.address.data()) == 1) {
        n.v6 = false;
    } else if (inet_pton(AF_INET6, addr.c_str(), n.address.data()) == 1) {
        n.v6 = true;
    } else {
        return dns::make_error("'" + t + "' is not an IPv4 or IPv6 address or network (192.0.2.0/24, 2001:db8::/32)");
    }
    const unsigned max = n.v6 ? 128 : 32;
    if (prefix && *prefix > max)
        return dns::make_error("'" + t + "': prefix length " + std::to_string(*prefix) + " is longer than " +
                               std::to_string(max) + " bits");
    n.prefix = static_cast<std::uint8_t>(prefix.value_or(max));
    for (unsigned bit = n.prefix; bit < max; ++bit) {
        if ((n.address[bit / 8] & (0x80 >> (bit % 8))) != 0)
            return dns::make_error("'" + t + "' has address bits set beyond its /" + std::to_string(n.prefix) +
                                   " prefix (did you mean " + [&] {
                                       Network m = n;
                                       for (unsigned b = n.prefix; b < max; ++b)
                                           m.address[b / 8] = static_cast<std::uint8_t>(m.address[b / 8] & ~(0x80 >> (b % 8)));
                                       return m.to_text();
                                   }() + "?)");
    }
    return n;
}

std::string Network::to_text() const {
    std::array<char, INET6_ADDRSTRLEN> buf{};
    inet_ntop(v6 ? AF_INET6 : AF_INET, address.data(), buf.data(), buf.size());
    return std::string(buf.data()) + "/" + std::to_string(prefix);
}

bool Network::covers(const Network& inner) const noexcept {
    return v6 == inner.v6 && prefix <= inner.prefix && common_bits(address, inner.address, prefix) >= prefix;
}

std::optional<ViewClient> ViewClient::from_bytes(std::span<const std::uint8_t> bytes) noexcept {
    if (bytes.size() != 4 && bytes.size() != 16) return std::nullopt;
    ViewClient c;
    c.v6 = bytes.size() == 16;
    std::memcpy(c.address.data(), bytes.data(), bytes.size());
    return c;
}

int ViewTable::select(const ViewClient& client) const noexcept {
    for (std::size_t i = 0; i < views.size(); ++i) {
        for (const Network& n : views[i].match) {
            if (holds(n, client)) return static_cast<int>(i);
        }
    }
    return -1;
}

std::uint8_t ViewTable::scope(const ViewClient& client, int selected) const noexcept {
    unsigned scope = 0;
    const std::size_t tried = selected < 0 ? views.size() : static_cast<std::size_t>(selected);
    // RFC 7871 §7.2.1: the answer holds for every address sharing the first SCOPE bits with the client.
    if (selected >= 0) {
        for (const Network& n : views[static_cast<std::size_t>(selected)].match) {
            if (holds(n, client)) {
                scope = n.prefix;
                break;
            }
        }
    }
    for (std::size_t i = 0; i < tried; ++i) {
        for (const Network& n : views[i].match) {
            if (n.v6 != client.v6) continue;
            // The client is outside n: one more bit than they share separates it from n.
            scope = std::max(scope, common_bits(n.address, client.address, n.prefix) + 1);
        }
    }
    return static_cast<std::uint8_t>(std::min(scope, client.v6 ? 128U : 32U));
}

std::span<const std::uint8_t> ViewTable::override_node(int view, std::span<const std::uint8_t> rel_key) const noexcept {
    if (view < 0 || static_cast<std::size_t>(view) >= views.size()) return {};
    const auto& ov = views[static_cast<std::size_t>(view)].overrides;
    std::string_view key(reinterpret_cast<const char*>(rel_key.data()), rel_key.size());
    auto it = std::lower_bound(ov.begin(), ov.end(), key,
                               [](const std::pair<std::string, std::string>& e, std::string_view k) { return e.first < k; });
    if (it == ov.end() || it->first != key) return {};
    return {reinterpret_cast<const std::uint8_t*>(it->second.data()), it->second.size()};
}

// Layout: 'V', u16 views; per view: u8 name length, name, u16 networks, per network u8 v6, u8 prefix,
// 16 address bytes; u32 overrides, per override u16 key length, key, u32 node length, node (little-endian).
std::string ViewTable::encode() const {
    std::string out(1, kTableTag);
    put_le(out, static_cast<std::uint16_t>(views.size()));
    for (const auto& v : views) {
        out.push_back(static_cast<char>(std::min<std::size_t>(v.name.size(), 255)));
        out.append(v.name, 0, std::min<std::size_t>(v.name.size(), 255));
        put_le(out, static_cast<std::uint16_t>(v.match.size()));
        for (const auto& n : v.match) {
            out.push_back(static_cast<char>(n.v6 ? 1 : 0));
            out.push_back(static_cast<char>(n.prefix));
            out.append(reinterpret_cast<const char*>(n.address.data()), n.address.size());
        }
        put_le(out, static_cast<std::uint32_t>(v.overrides.size()));
        for (const auto& [key, node] : v.overrides) {
            put_le(out, static_cast<std::uint16_t>(key.size()));
            out += key;
            put_le(out, static_cast<std::uint32_t>(node.size()));
            out += node;
        }
    }
    return out;
}

std::optional<ViewTable> ViewTable::decode(std::span<const std::uint8_t> blob) {
    if (blob.empty() || blob[0] != static_cast<std::uint8_t>(kTableTag)) return std::nullopt;
    Cursor c{blob, 1};
    ViewTable t;
    const auto nviews = c.le<std::uint16_t>();
    for (std::uint16_t i = 0; c.ok && i < nviews; ++i) {
        Compiled v;
        v.name = c.bytes(c.le<std::uint8_t>());
        const auto nnets = c.le<std::uint16_t>();
        for (std::uint16_t j = 0; c.ok && j < nnets; ++j) {
            Network n;
            n.v6 = c.le<std::uint8_t>() != 0;
            n.prefix = c.le<std::uint8_t>();
            std::string a = c.bytes(16);
            if (c.ok) std::memcpy(n.address.data(), a.data(), 16);
            v.match.push_back(n);
        }
        const auto nover = c.le<std::uint32_t>();
        for (std::uint32_t j = 0; c.ok && j < nover; ++j) {
            std::string key = c.bytes(c.le<std::uint16_t>());
            std::string node = c.bytes(c.le<std::uint32_t>());
            v.overrides.emplace_back(std::move(key), std::move(node));
        }
        std::sort(v.overrides.begin(), v.overrides.end());
        t.views.push_back(std::move(v));
    }
    if (!c.ok) return std::nullopt;
    return t;
}

void validate_views(const Zone& zone, Diagnostics& diags) {
    if (zone.views.empty()) return;
    // The default view: which names exist (owners and their ancestors down to the origin) and the
    // types at each owner; zone cuts (NS below the apex).
    const std::string origin_key = zone.origin.to_lookup_key();
    std::map<std::string, std::set<dns::RrType>> types;
    std::set<std::string> cuts;
    for (const Record& r : zone.records) {
        if (!r.owner.is_subdomain_of(zone.origin)) continue;
        types[r.owner.to_lookup_key()].insert(r.type);
        if (r.type == dns::RrType::NS && !r.owner.equals(zone.origin)) cuts.insert(r.owner.to_lookup_key());
    }
    std::set<std::string> exists;
    for (const auto& [key, t] : types) {
        (void)t;
        auto name = dns::Name::from_lookup_key(std::span<const std::uint8_t>(
            reinterpret_cast<const std::uint8_t*>(key.data()), key.size()));
        if (!name) continue;
        for (std::size_t up = 0; up + zone.origin.label_count() <= name->label_count(); ++up)
            exists.insert(name->parent(up).to_lookup_key());
    }
    // Numbers of `numbers_csv` files are not in `records`: a view cannot override them (reported as missing).

    std::map<std::string, const View*> names;
    for (std::size_t i = 0; i < zone.views.size(); ++i) {
        const View& v = zone.views[i];
        if (auto [it, fresh] = names.emplace(v.name, &v); !fresh)
            diags.error(v.loc, "view '" + v.name + "' is defined twice (first at " + it->second->loc.to_text() + ")");
        for (std::size_t j = 0; j < v.match.size(); ++j) {
            const Network& n = v.match[j];
            const SourceLoc& where = j < v.match_locs.size() ? v.match_locs[j] : v.loc;
            // First match wins (BIND order): a network an earlier one already holds never selects this view.
            for (std::size_t pi = 0; pi <= i; ++pi) {
                const View& p = zone.views[pi];
                const std::size_t upto = pi == i ? j : p.match.size();
                for (std::size_t pj = 0; pj < upto; ++pj) {
                    const SourceLoc& ploc = pj < p.match_locs.size() ? p.match_locs[pj] : p.loc;
                    if (p.match[pj] == n) {
                        diags.error(where, "network " + n.to_text() + " of view '" + v.name + "' is already matched by view '" +
                                               p.name + "' (" + ploc.to_text() + "): the first match wins, so it never selects this view");
                    } else if (p.match[pj].covers(n) && pi != i) {
                        diags.warning(where, "network " + n.to_text() + " of view '" + v.name + "' lies inside " +
                                                 p.match[pj].to_text() + " of view '" + p.name + "' (" + ploc.to_text() +
                                                 "), which is tried first: it never selects this view");
                    }
                }
            }
        }
        // What the view makes of each owner: the default's types with the view's replacing theirs.
        std::map<std::string, std::set<dns::RrType>> overridden;
        for (const Record& r : v.records) {
            const std::string what = "view '" + v.name + "': " + r.owner.to_text() + " " + dns::to_text(r.type);
            if (!r.owner.is_subdomain_of(zone.origin)) {
                diags.error(r.loc, what + " is outside zone " + zone.origin.to_text());
                continue;
            }
            if (r.type == dns::RrType::SOA || r.type == dns::RrType::NS || r.type == dns::RrType::DNAME) {
                diags.error(r.loc, what + ": a view cannot replace " + dns::to_text(r.type) +
                                       " (zone structure is the same in every view)");
                continue;
            }
            const std::string key = r.owner.to_lookup_key();
            if (exists.count(key) == 0) {
                diags.error(r.loc, what + ": the name does not exist in the default view (a view replaces RRsets of "
                                          "existing names; add the name to 'records' too)");
                continue;
            }
            bool below_cut = false;
            for (std::size_t up = 0; up + zone.origin.label_count() < r.owner.label_count(); ++up)
                below_cut = below_cut || cuts.count(r.owner.parent(up).to_lookup_key()) != 0;
            if (below_cut) {
                diags.error(r.loc, what + " is at or below a zone cut (the child zone answers there)");
                continue;
            }
            overridden[key].insert(r.type);
        }
        for (const auto& [key, vt] : overridden) {
            std::set<dns::RrType> merged = vt;
            if (auto it = types.find(key); it != types.end()) merged.insert(it->second.begin(), it->second.end());
            const bool cname = merged.count(dns::RrType::CNAME) != 0;
            if (cname && merged.size() > 1) {
                const Record* first = nullptr;
                for (const Record& r : v.records) {
                    if (r.owner.to_lookup_key() == key) {
                        first = &r;
                        break;
                    }
                }
                // RFC 1034 §3.6.2, RFC 2181 §10.1: a CNAME owner has no other data.
                diags.error(first != nullptr ? first->loc : v.loc,
                            "view '" + v.name + "': " + (first != nullptr ? first->owner.to_text() : key) +
                                " would have a CNAME beside other data in this view");
            }
        }
    }
}

}  // namespace enumd::zones
