#include "enumd/zones/model.hpp"

namespace enumd::zones {

std::string SourceLoc::to_text() const {
    std::string s = file.empty() ? std::string("<input>") : file;
    if (line > 0) {
        s += ":" + std::to_string(line);
        if (column > 0) s += ":" + std::to_string(column);
    }
    return s;
}

std::string Diagnostic::to_text() const {
    return loc.to_text() + (severity == Severity::Error ? ": error: " : ": warning: ") + message;
}

void Diagnostics::error(SourceLoc loc, std::string message) {
    items.push_back({Diagnostic::Severity::Error, std::move(loc), std::move(message)});
}

void Diagnostics::warning(SourceLoc loc, std::string message) {
    items.push_back({Diagnostic::Severity::Warning, std::move(loc), std::move(message)});
}

bool Diagnostics::has_errors() const noexcept { return error_count() > 0; }

std::size_t Diagnostics::error_count() const noexcept {
    std::size_t n = 0;
    for (const auto& d : items) n += d.severity == Diagnostic::Severity::Error ? 1 : 0;
    return n;
}

std::optional<Soa> parse_soa(const std::vector<std::uint8_t>& rdata) {
    std::span<const std::uint8_t> s(rdata);
    auto m = dns::Name::from_uncompressed(s);
    if (!m) return std::nullopt;
    auto r = dns::Name::from_uncompressed(s.subspan(m->wire_size()));
    if (!r) return std::nullopt;
    std::size_t p = m->wire_size() + r->wire_size();
    if (rdata.size() != p + 20) return std::nullopt;
    auto u32 = [&](std::size_t o) {
        return (static_cast<std::uint32_t>(rdata[o]) << 24) | (static_cast<std::uint32_t>(rdata[o + 1]) << 16) |
               (static_cast<std::uint32_t>(rdata[o + 2]) << 8) | rdata[o + 3];
    };
    return Soa{*m, *r, u32(p), u32(p + 4), u32(p + 8), u32(p + 12), u32(p + 16)};
}

std::vector<std::uint8_t> encode_soa(const Soa& soa) {
    std::vector<std::uint8_t> out(soa.mname.wire().begin(), soa.mname.wire().end());
    out.insert(out.end(), soa.rname.wire().begin(), soa.rname.wire().end());
    for (std::uint32_t v : {soa.serial, soa.refresh, soa.retry, soa.expire, soa.minimum}) {
        out.push_back(static_cast<std::uint8_t>(v >> 24));
        out.push_back(static_cast<std::uint8_t>(v >> 16));
        out.push_back(static_cast<std::uint8_t>(v >> 8));
        out.push_back(static_cast<std::uint8_t>(v));
    }
    return out;
}

}  // namespace enumd::zones
