#include "enumd/resolver/naptr.hpp"

#include <algorithm>

#include "enumd/dns/wire.hpp"

namespace enumd::resolver {

using dns::make_error;
using dns::Result;

namespace {

bool read_string(std::span<const std::uint8_t> rdata, std::size_t& pos, std::string& out) {
    if (pos >= rdata.size()) return false;
    std::size_t len = rdata[pos++];
    if (pos + len > rdata.size()) return false;
    out.assign(reinterpret_cast<const char*>(rdata.data() + pos), len);
    pos += len;
    return true;
}

}  // namespace

Result<NaptrRecord> parse_naptr_rdata(std::span<const std::uint8_t> rdata) {
    NaptrRecord rr;
    if (rdata.size() < 4) return make_error("NAPTR rdata shorter than 4 octets");
    rr.order = static_cast<std::uint16_t>(rdata[0] << 8 | rdata[1]);
    rr.preference = static_cast<std::uint16_t>(rdata[2] << 8 | rdata[3]);
    std::size_t pos = 4;
    if (!read_string(rdata, pos, rr.flags) || !read_string(rdata, pos, rr.services) ||
        !read_string(rdata, pos, rr.regexp)) {
        return make_error("NAPTR rdata: truncated character-string");
    }
    auto name = dns::Name::from_wire(rdata, pos);
    if (!name) return make_error("NAPTR rdata: bad replacement: " + name.error());
    if (pos != rdata.size()) return make_error("NAPTR rdata: trailing octets");
    rr.replacement = *name;
    return rr;
}

std::vector<std::uint8_t> to_rdata(const NaptrRecord& rr) {
    std::vector<std::uint8_t> out = {static_cast<std::uint8_t>(rr.order >> 8), static_cast<std::uint8_t>(rr.order),
                                     static_cast<std::uint8_t>(rr.preference >> 8),
                                     static_cast<std::uint8_t>(rr.preference)};
    for (const std::string* s : {&rr.flags, &rr.services, &rr.regexp}) {
        out.push_back(static_cast<std::uint8_t>(std::min<std::size_t>(s->size(), 255)));
        out.insert(out.end(), s->begin(), s->begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(s->size(), 255)));
    }
    auto w = rr.replacement.wire();
    out.insert(out.end(), w.begin(), w.end());
    return out;
}

std::string to_text(const NaptrRecord& rr) {
    auto quote = [](const std::string& s) {
        std::string out = "\"";
        for (char c : s) {
            if (c == '"' || c == '\\') out += '\\';
            out += c;
        }
        return out + "\"";
    };
    return std::to_string(rr.order) + " " + std::to_string(rr.preference) + " " + quote(rr.flags) + " " +
           quote(rr.services) + " " + quote(rr.regexp) + " " + rr.replacement.to_text();
}

FlagKind classify_enum_flags(std::string_view flags) noexcept {
    if (flags.empty()) return FlagKind::NonTerminal;
    if (flags.size() == 1 && (flags[0] == 'u' || flags[0] == 'U')) return FlagKind::Terminal;
    return FlagKind::Unknown;
}

}  // namespace enumd::resolver
