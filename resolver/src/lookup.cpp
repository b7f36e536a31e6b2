#include "enumd/resolver/lookup.hpp"

#include <arpa/inet.h>

#include <array>

namespace enumd::resolver {

const char* to_string(LookupStatus s) noexcept {
    switch (s) {
    case LookupStatus::Ok: return "NOERROR";
    case LookupStatus::NoData: return "NODATA";
    case LookupStatus::NxDomain: return "NXDOMAIN";
    case LookupStatus::ServFail: return "SERVFAIL";
    case LookupStatus::Timeout: return "TIMEOUT";
    case LookupStatus::Malformed: return "MALFORMED";
    case LookupStatus::Refused: return "REFUSED";
    case LookupStatus::Unreachable: return "UNREACHABLE";
    }
    return "?";
}

void FailureTally::note(LookupStatus s) noexcept {
    switch (s) {
    case LookupStatus::Timeout: timeout = true; break;
    case LookupStatus::Unreachable: unreachable = true; break;
    case LookupStatus::Refused: refused = true; break;
    case LookupStatus::ServFail:
    case LookupStatus::Malformed: servfail = true; break;
    case LookupStatus::Ok:
    case LookupStatus::NoData:
    case LookupStatus::NxDomain: break;
    }
}

LookupStatus FailureTally::worst() const noexcept {
    if (timeout) return LookupStatus::Timeout;
    if (unreachable) return LookupStatus::Unreachable;
    if (refused) return LookupStatus::Refused;
    if (servfail) return LookupStatus::ServFail;
    return LookupStatus::Ok;
}

std::optional<SrvRecord> parse_srv_rdata(std::span<const std::uint8_t> rdata) {
    if (rdata.size() < 7) return std::nullopt;
    SrvRecord s;
    s.priority = static_cast<std::uint16_t>(rdata[0] << 8 | rdata[1]);
    s.weight = static_cast<std::uint16_t>(rdata[2] << 8 | rdata[3]);
    s.port = static_cast<std::uint16_t>(rdata[4] << 8 | rdata[5]);
    std::size_t pos = 6;
    auto name = dns::Name::from_wire(rdata, pos);
    if (!name || pos != rdata.size()) return std::nullopt;
    s.target = *name;
    return s;
}

std::optional<std::string> parse_address_rdata(dns::RrType type, std::span<const std::uint8_t> rdata) {
    std::array<char, INET6_ADDRSTRLEN> buf{};
    if (type == dns::RrType::A && rdata.size() == 4) {
        if (inet_ntop(AF_INET, rdata.data(), buf.data(), buf.size()) == nullptr) return std::nullopt;
        return std::string(buf.data());
    }
    if (type == dns::RrType::AAAA && rdata.size() == 16) {
        if (inet_ntop(AF_INET6, rdata.data(), buf.data(), buf.size()) == nullptr) return std::nullopt;
        return std::string(buf.data());
    }
    return std::nullopt;
}

}  // namespace enumd::resolver
