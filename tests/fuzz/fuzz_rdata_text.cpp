/// Fuzz target: zones::rdata_from_text (RFC 1035 presentation rdata through
/// ldns). Input: first octet selects the record type, the rest is the text.
/// Whatever parses must print (rdata_to_text) and parse back to the same wire.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "enumd/dns/name.hpp"
#include "enumd/dns/types.hpp"
#include "enumd/zones/rdata_text.hpp"
#include "fuzz_check.hpp"

using namespace enumd;

namespace {
constexpr dns::RrType kTypes[] = {
    dns::RrType::A,    dns::RrType::NS,    dns::RrType::CNAME, dns::RrType::SOA,  dns::RrType::PTR,
    dns::RrType::MX,   dns::RrType::TXT,   dns::RrType::AAAA,  dns::RrType::SRV,  dns::RrType::NAPTR,
    dns::RrType::DNAME, dns::RrType::CAA,  dns::RrType::HINFO, dns::RrType::SSHFP, dns::RrType::TLSA,
    dns::RrType::URI,  dns::RrType::LOC,   dns::RrType::SPF,   dns::RrType::SVCB, dns::RrType::HTTPS,
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    dns::RrType type = kTypes[data[0] % (sizeof kTypes / sizeof kTypes[0])];
    std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
    static const dns::Name origin = *dns::Name::from_text("1.6.e164.arpa.");
    auto wire = zones::rdata_from_text(type, text, origin);
    if (!wire.ok()) return 0;
    FUZZ_CHECK(wire->size() <= 65535);
    std::string printed = zones::rdata_to_text(type, *wire);
    auto again = zones::rdata_from_text(type, printed, origin);
    if (!again.ok()) {
        std::fprintf(stderr, "printed rdata does not parse: %s\n  %s\n", printed.c_str(), again.error().c_str());
        FUZZ_CHECK(again.ok());
    }
    if (*again != *wire) std::fprintf(stderr, "round trip changed rdata: %s\n", printed.c_str());
    FUZZ_CHECK(*again == *wire);
    (void)zones::record_to_text(origin, 3600, type, *wire);
    return 0;
}
