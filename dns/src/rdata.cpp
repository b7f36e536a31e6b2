#include "enumd/dns/rdata.hpp"

#include <cstring>

#include "enumd/dns/wire.hpp"

namespace enumd::dns {
namespace {

using F = Field;

// The table: one row per type with a structure we read (RFC 1035 §3.3 and
// §3.4, RFC 3596, RFC 2782, RFC 3403 §4.1, RFC 6672, RFC 6891 §6.1.2).
constexpr RdataLayout kRows[] = {
    {RrType::A, 1, {F::Ipv4}, false},
    {RrType::NS, 1, {F::Name}, true},
    {RrType::CNAME, 1, {F::Name}, true},
    {RrType::SOA, 7, {F::Name, F::Name, F::U32, F::U32, F::U32, F::U32, F::U32}, true},
    {RrType::PTR, 1, {F::Name}, true},
    {RrType::MX, 2, {F::U16, F::Name}, true},
    {RrType::TXT, 1, {F::CharStrings}, false},
    {RrType::AAAA, 1, {F::Ipv6}, false},
    {RrType::SRV, 4, {F::U16, F::U16, F::U16, F::Name}, false},  // RFC 2782: no compression
    {RrType::NAPTR, 6, {F::U16, F::U16, F::CharString, F::CharString, F::CharString, F::Name}, false},  // RFC 3403 §4.1
    {RrType::DNAME, 1, {F::Name}, false},  // RFC 6672 §2.5: not compressed on output
    {RrType::OPT, 1, {F::Options}, false},
};
constexpr std::size_t kRowCount = sizeof kRows / sizeof kRows[0];

constexpr int row_index(RrType type) noexcept {
    switch (type) {
        case RrType::A: return 0;
        case RrType::NS: return 1;
        case RrType::CNAME: return 2;
        case RrType::SOA: return 3;
        case RrType::PTR: return 4;
        case RrType::MX: return 5;
        case RrType::TXT: return 6;
        case RrType::AAAA: return 7;
        case RrType::SRV: return 8;
        case RrType::NAPTR: return 9;
        case RrType::DNAME: return 10;
        case RrType::OPT: return 11;
        default: return -1;
    }
}

constexpr std::size_t fixed_size(Field f) noexcept {
    switch (f) {
        case F::U16: return 2;
        case F::U32: return 4;
        case F::Ipv4: return 4;
        case F::Ipv6: return 16;
        default: return 0;
    }
}

/// Where the names of a row sit: what the writer and the name readers need.
constexpr RdataNames names_of(const RdataLayout& row) noexcept {
    RdataNames n;
    bool before_first_name = true;
    for (std::size_t i = 0; i < row.count; ++i) {
        Field f = row.fields[i];
        if (f == F::Name) {
            ++n.count;
            before_first_name = false;
        } else if (before_first_name) {
            if (f == F::CharString) n.after_strings = true;
            else if (!n.after_strings) n.fixed_prefix = static_cast<std::uint8_t>(n.fixed_prefix + fixed_size(f));
        }
    }
    if (n.count == 0) return RdataNames{};  // no names: nothing to say
    n.compressible = row.compress;
    return n;
}

constexpr std::array<RdataNames, kRowCount> make_names() noexcept {
    std::array<RdataNames, kRowCount> out{};
    for (std::size_t i = 0; i < kRowCount; ++i) out[i] = names_of(kRows[i]);
    return out;
}
constexpr std::array<RdataNames, kRowCount> kNames = make_names();

static_assert(kNames[3].count == 2 && kNames[3].compressible);                       // SOA
static_assert(kNames[5].fixed_prefix == 2 && kNames[5].compressible);                // MX
static_assert(kNames[8].fixed_prefix == 6 && !kNames[8].compressible);               // SRV
static_assert(kNames[9].fixed_prefix == 4 && kNames[9].after_strings);               // NAPTR
static_assert(kNames[10].count == 1 && !kNames[10].compressible);                    // DNAME

/// Length of the uncompressed name at `p` in `rdata` (labels to the root), or 0 when it overruns.
std::size_t name_length(std::span<const std::uint8_t> rdata, std::size_t p) noexcept {
    std::size_t start = p;
    while (p < rdata.size()) {
        std::uint8_t l = rdata[p];
        if (l == 0) return p + 1 - start;
        if ((l & 0xC0) != 0) return 0;
        p += 1 + l;
    }
    return 0;
}

/// The offset just past the <character-string> at `p`, or nothing.
std::optional<std::size_t> skip_string(std::span<const std::uint8_t> rdata, std::size_t p) noexcept {
    if (p >= rdata.size() || rdata.size() - p - 1 < rdata[p]) return std::nullopt;
    return p + 1 + rdata[p];
}

}  // namespace

const RdataLayout* rdata_layout(RrType type) noexcept {
    int i = row_index(type);
    return i < 0 ? nullptr : &kRows[i];
}

RdataNames rdata_names(RrType type) noexcept {
    int i = row_index(type);
    return i < 0 ? RdataNames{} : kNames[static_cast<std::size_t>(i)];
}

std::optional<Name> rdata_target(RrType type, std::span<const std::uint8_t> rdata) noexcept {
    RdataNames rn = rdata_names(type);
    if (rn.count != 1) return std::nullopt;  // SOA has two names and no target
    std::size_t p = rn.fixed_prefix;
    if (rn.after_strings) {
        for (int i = 0; i < 3; ++i) {
            if (p >= rdata.size()) return std::nullopt;
            p += 1 + rdata[p];
        }
    }
    if (p >= rdata.size()) return std::nullopt;
    auto n = Name::from_uncompressed(rdata.subspan(p));
    if (!n) return std::nullopt;
    return *n;
}

std::optional<std::size_t> decompress_rdata(std::span<const std::uint8_t> packet, const RecordView& rr,
                                            std::span<std::uint8_t> out) noexcept {
    RdataNames rn = rdata_names(rr.type);
    if (rn.count == 0) {
        if (out.size() < rr.rdata.size()) return std::nullopt;
        if (!rr.rdata.empty()) std::memcpy(out.data(), rr.rdata.data(), rr.rdata.size());
        return rr.rdata.size();
    }
    std::size_t in = 0;
    std::size_t o = 0;
    std::size_t prefix = rn.fixed_prefix;
    if (rn.after_strings) {
        std::size_t p = prefix;
        for (int i = 0; i < 3; ++i) {
            if (p >= rr.rdata.size()) return std::nullopt;
            p += 1 + rr.rdata[p];
        }
        prefix = p;
    }
    if (rr.rdata.size() < prefix || out.size() < prefix) return std::nullopt;
    if (prefix > 0) std::memcpy(out.data(), rr.rdata.data(), prefix);
    in = prefix;
    o = prefix;
    for (std::uint8_t k = 0; k < rn.count; ++k) {
        std::size_t off = rr.rdata_offset + in;
        std::size_t start = off;
        auto n = Name::from_wire(packet, off);
        if (!n || off > rr.rdata_offset + rr.rdata.size()) return std::nullopt;
        if (out.size() - o < n->wire_size()) return std::nullopt;
        std::memcpy(out.data() + o, n->wire().data(), n->wire_size());
        o += n->wire_size();
        in += off - start;
    }
    std::size_t rest = rr.rdata.size() - in;
    if (out.size() - o < rest) return std::nullopt;
    if (rest > 0) std::memcpy(out.data() + o, rr.rdata.data() + in, rest);
    return o + rest;
}

std::optional<Soa> read_soa(std::span<const std::uint8_t> rdata) noexcept {
    auto m = Name::from_uncompressed(rdata);
    if (!m) return std::nullopt;
    auto r = Name::from_uncompressed(rdata.subspan(m->wire_size()));
    if (!r) return std::nullopt;
    std::size_t p = m->wire_size() + r->wire_size();
    if (rdata.size() != p + 20) return std::nullopt;
    const std::uint8_t* t = rdata.data() + p;
    return Soa{*m, *r, load_u32(t), load_u32(t + 4), load_u32(t + 8), load_u32(t + 12), load_u32(t + 16)};
}

std::vector<std::uint8_t> write_soa(const Soa& soa) {
    std::vector<std::uint8_t> out(soa.mname.wire().begin(), soa.mname.wire().end());
    out.insert(out.end(), soa.rname.wire().begin(), soa.rname.wire().end());
    for (std::uint32_t v : {soa.serial, soa.refresh, soa.retry, soa.expire, soa.minimum}) {
        std::uint8_t b[4];
        store_u32(b, v);
        out.insert(out.end(), b, b + 4);
    }
    return out;
}

std::optional<SrvView> read_srv(std::span<const std::uint8_t> rdata) noexcept {
    if (rdata.size() < 7 || name_length(rdata, 6) == 0) return std::nullopt;
    return SrvView{load_u16(rdata.data()), load_u16(rdata.data() + 2), load_u16(rdata.data() + 4), rdata.subspan(6)};
}

std::optional<MxView> read_mx(std::span<const std::uint8_t> rdata) noexcept {
    if (rdata.size() < 3 || name_length(rdata, 2) == 0) return std::nullopt;
    return MxView{load_u16(rdata.data()), rdata.subspan(2)};
}

std::optional<std::array<std::uint8_t, 4>> read_a(std::span<const std::uint8_t> rdata) noexcept {
    if (rdata.size() != 4) return std::nullopt;
    return std::array<std::uint8_t, 4>{rdata[0], rdata[1], rdata[2], rdata[3]};
}

std::optional<std::array<std::uint8_t, 16>> read_aaaa(std::span<const std::uint8_t> rdata) noexcept {
    if (rdata.size() != 16) return std::nullopt;
    std::array<std::uint8_t, 16> a{};
    std::memcpy(a.data(), rdata.data(), 16);
    return a;
}

bool next_char_string(std::span<const std::uint8_t> rdata, std::size_t& offset, std::span<const std::uint8_t>& out,
                      bool& malformed) noexcept {
    if (offset >= rdata.size()) return false;
    auto next = skip_string(rdata, offset);
    if (!next) {
        malformed = true;
        return false;
    }
    out = rdata.subspan(offset + 1, rdata[offset]);
    offset = *next;
    return true;
}

}  // namespace enumd::dns
