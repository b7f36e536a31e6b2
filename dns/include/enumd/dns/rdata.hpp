#pragma once
/// One rdata field table per record type (PowerDNS-style): the row of a
/// type says which fields its rdata holds, in order. The writer's name
/// compression, rdata_names/rdata_target/decompress_rdata (wire.hpp) and
/// the typed views below all read the same row, so the layout of SOA,
/// NAPTR, SRV, MX, A/AAAA, NS, CNAME, TXT and OPT is written down once.
///
/// The views read uncompressed rdata (stored, or decompress_rdata'd) in
/// place and never allocate; spans point into the caller's rdata.

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <vector>

#include "enumd/dns/name.hpp"
#include "enumd/dns/types.hpp"
#include "enumd/dns/wire.hpp"

namespace enumd::dns {

enum class Field : std::uint8_t {
    U16,
    U32,
    Name,         ///< a domain name (compressible when the row says so)
    CharString,   ///< one <character-string> (RFC 1035 §3.3)
    CharStrings,  ///< one or more <character-string>s up to the end (TXT)
    Ipv4,         ///< 4 octets (RFC 1035 §3.4.1)
    Ipv6,         ///< 16 octets (RFC 3596 §2.2)
    Options,      ///< EDNS options up to the end: {code u16, length u16, data} (RFC 6891 §6.1.2)
};

struct RdataLayout {
    RrType type = RrType::A;
    std::uint8_t count = 0;
    std::array<Field, 7> fields{};
    /// RFC 3597 §4: names in the RFC 1035 types may be compressed; no others.
    bool compress = false;
};

/// The row of `type`; nullptr for types held as opaque octets.
[[nodiscard]] const RdataLayout* rdata_layout(RrType type) noexcept;

/// SOA (RFC 1035 §3.3.13).
struct Soa {
    Name mname;
    Name rname;
    std::uint32_t serial = 0;
    std::uint32_t refresh = 0;
    std::uint32_t retry = 0;
    std::uint32_t expire = 0;
    std::uint32_t minimum = 0;
};
/// The five 32-bit SOA fields: the last 20 octets after the two names.
struct SoaTimers {
    std::uint32_t serial = 0;
    std::uint32_t refresh = 0;
    std::uint32_t retry = 0;
    std::uint32_t expire = 0;
    std::uint32_t minimum = 0;
};
/// The whole SOA; nothing unless the rdata is exactly two names and 20 octets.
[[nodiscard]] std::optional<Soa> read_soa(std::span<const std::uint8_t> rdata) noexcept;
/// The timers without reading the names (the hot path's negative TTL, a
/// transfer's serial). Works on compressed rdata as well: the names come
/// first. Nothing when shorter than two root names and the timers (22).
[[nodiscard]] inline std::optional<SoaTimers> soa_timers(std::span<const std::uint8_t> rdata) noexcept {
    // RFC 1035 §3.3.13: MNAME and RNAME (at least the root each), then the timers.
    if (rdata.size() < 22) return std::nullopt;
    const std::uint8_t* t = rdata.data() + rdata.size() - 20;
    return SoaTimers{load_u32(t), load_u32(t + 4), load_u32(t + 8), load_u32(t + 12), load_u32(t + 16)};
}
[[nodiscard]] std::vector<std::uint8_t> write_soa(const Soa& soa);

/// NAPTR (RFC 3403 §4.1). Strings without their length octet.
struct NaptrView {
    std::uint16_t order = 0;
    std::uint16_t preference = 0;
    std::span<const std::uint8_t> flags;
    std::span<const std::uint8_t> services;
    std::span<const std::uint8_t> regexp;
    std::span<const std::uint8_t> replacement;  ///< the name's wire octets (from here to the end of rdata)
};
/// Only the FLAGS string (the first field after ORDER and PREFERENCE): the
/// hot path's additional-section check reads nothing else of a "u" record.
[[nodiscard]] inline std::optional<std::span<const std::uint8_t>> naptr_flags(
    std::span<const std::uint8_t> rdata) noexcept {
    if (rdata.size() < 5 || rdata.size() - 5 < rdata[4]) return std::nullopt;
    return rdata.subspan(5, rdata[4]);
}
[[nodiscard]] inline std::optional<NaptrView> read_naptr(std::span<const std::uint8_t> rdata) noexcept {
    if (rdata.size() < 4) return std::nullopt;
    NaptrView v;
    v.order = load_u16(rdata.data());
    v.preference = load_u16(rdata.data() + 2);
    std::size_t p = 4;
    for (std::span<const std::uint8_t>* s : {&v.flags, &v.services, &v.regexp}) {
        if (p >= rdata.size() || rdata.size() - p - 1 < rdata[p]) return std::nullopt;
        *s = rdata.subspan(p + 1, rdata[p]);
        p += 1 + rdata[p];
    }
    if (p >= rdata.size()) return std::nullopt;
    v.replacement = rdata.subspan(p);
    return v;
}

/// SRV (RFC 2782).
struct SrvView {
    std::uint16_t priority = 0;
    std::uint16_t weight = 0;
    std::uint16_t port = 0;
    std::span<const std::uint8_t> target;  ///< the name's wire octets
};
[[nodiscard]] std::optional<SrvView> read_srv(std::span<const std::uint8_t> rdata) noexcept;

/// MX (RFC 1035 §3.3.9).
struct MxView {
    std::uint16_t preference = 0;
    std::span<const std::uint8_t> exchange;  ///< the name's wire octets
};
[[nodiscard]] std::optional<MxView> read_mx(std::span<const std::uint8_t> rdata) noexcept;

/// A and AAAA: exactly 4 and 16 octets.
[[nodiscard]] std::optional<std::array<std::uint8_t, 4>> read_a(std::span<const std::uint8_t> rdata) noexcept;
[[nodiscard]] std::optional<std::array<std::uint8_t, 16>> read_aaaa(std::span<const std::uint8_t> rdata) noexcept;

/// TXT character-strings one by one: true and the next string (without its
/// length octet) while `offset` is inside rdata; false at the end or when
/// a string overruns rdata (then `malformed` is set).
bool next_char_string(std::span<const std::uint8_t> rdata, std::size_t& offset, std::span<const std::uint8_t>& out,
                      bool& malformed) noexcept;

/// EDNS options one by one (RFC 6891 §6.1.2), the same contract.
struct EdnsOption {
    std::uint16_t code = 0;
    std::span<const std::uint8_t> data;
};
inline bool next_edns_option(std::span<const std::uint8_t> rdata, std::size_t& offset, EdnsOption& out,
                             bool& malformed) noexcept {
    if (offset >= rdata.size()) return false;
    if (rdata.size() - offset < 4) {
        malformed = true;
        return false;
    }
    std::size_t len = load_u16(rdata.data() + offset + 2);
    if (rdata.size() - offset - 4 < len) {
        malformed = true;
        return false;
    }
    out.code = load_u16(rdata.data() + offset);
    out.data = rdata.subspan(offset + 4, len);
    offset += 4 + len;
    return true;
}

}  // namespace enumd::dns
