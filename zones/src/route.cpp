#include "enumd/zones/route.hpp"

#include <array>
#include <cstring>

#include "le_reader.hpp"
#include "le_writer.hpp"

namespace enumd::zones {
namespace {

/// One character-string (RFC 1035 §3.3); false when over 255 octets.
bool put_string(std::span<std::uint8_t, kMaxNaptrRdata> out, std::size_t& at, std::string_view s) noexcept {
    if (s.size() > 255) return false;
    out[at++] = static_cast<std::uint8_t>(s.size());
    std::memcpy(out.data() + at, s.data(), s.size());
    at += s.size();
    return true;
}

void put_string(std::string& out, std::string_view s) {
    out.push_back(static_cast<char>(s.size()));
    out += s;
}


}  // namespace

std::size_t expand_route_naptr(const RouteNaptr& n, std::string_view rn_digits,
                               std::span<std::uint8_t, kMaxNaptrRdata> out) noexcept {
    std::size_t at = 0;
    out[at++] = static_cast<std::uint8_t>(n.order >> 8);
    out[at++] = static_cast<std::uint8_t>(n.order);
    out[at++] = static_cast<std::uint8_t>(n.preference >> 8);
    out[at++] = static_cast<std::uint8_t>(n.preference);
    if (!put_string(out, at, n.flags) || !put_string(out, at, n.service)) return 0;
    // The regexp with "+digits" for every marker (RFC 4694 §4: a global rn is written with its '+').
    std::size_t len_at = at++;
    std::size_t len = 0;
    for (char c : n.regexp) {
        std::size_t add = c == kRnMarker ? 1 + rn_digits.size() : 1;
        if (len + add > 255) return 0;
        if (c == kRnMarker) {
            out[at] = '+';
            std::memcpy(out.data() + at + 1, rn_digits.data(), rn_digits.size());
        } else {
            out[at] = static_cast<std::uint8_t>(c);
        }
        at += add;
        len += add;
    }
    out[len_at] = static_cast<std::uint8_t>(len);
    auto w = n.replacement.wire();
    std::memcpy(out.data() + at, w.data(), w.size());
    return at + w.size();
}

dns::Result<std::vector<std::uint8_t>> expand_route_naptr(const RouteNaptr& naptr, std::string_view rn_digits) {
    std::array<std::uint8_t, kMaxNaptrRdata> buf{};
    std::size_t n = expand_route_naptr(naptr, rn_digits, buf);
    if (n == 0) return dns::make_error("NAPTR flags, service or regexp longer than 255 octets");
    return std::vector<std::uint8_t>(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
}

std::string encode_route_table(const RouteTable& table) {
    std::string out;
    put_le(out, static_cast<std::uint16_t>(table.instances.size()));
    for (const auto& inst : table.instances) {
        put_le(out, inst.ttl);
        put_le(out, static_cast<std::uint16_t>(inst.records.size()));
        for (const auto& r : inst.records) {
            put_le(out, r.order);
            put_le(out, r.preference);
            put_string(out, r.flags);
            put_string(out, r.service);
            put_string(out, r.regexp);
            auto w = r.replacement.wire();
            out.append(reinterpret_cast<const char*>(w.data()), w.size());
        }
    }
    return out;
}

std::optional<RouteTable> decode_route_table(std::span<const std::uint8_t> blob) {
    LeReader c{blob};
    RouteTable t;
    std::size_t instances = c.le<std::uint16_t>();
    for (std::size_t i = 0; c.ok && i < instances; ++i) {
        RouteInstance inst;
        inst.ttl = c.le<std::uint32_t>();
        std::size_t records = c.le<std::uint16_t>();
        for (std::size_t j = 0; c.ok && j < records; ++j) {
            RouteNaptr r;
            r.order = c.le<std::uint16_t>();
            r.preference = c.le<std::uint16_t>();
            r.flags = c.str8();
            r.service = c.str8();
            r.regexp = c.str8();
            if (!c.ok) return std::nullopt;
            auto name = dns::Name::from_uncompressed(blob.subspan(c.at));
            if (!name) return std::nullopt;
            c.at += name->wire_size();
            r.replacement = *name;
            inst.records.push_back(std::move(r));
        }
        t.instances.push_back(std::move(inst));
    }
    if (!c.ok || c.at != blob.size()) return std::nullopt;
    return t;
}

}  // namespace enumd::zones
