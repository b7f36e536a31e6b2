/// Fuzz target: RFC 1035 zone text, read twice — with the fast path for plain
/// one-line records (zones/src/rfc1035_fast.hpp) and with ldns alone
/// (Rfc1035Options::ldns_only). The fast path must change nothing: the same
/// records (owner octets with their case, type, TTL, rdata, line) in the same
/// order and the same diagnostics, with the origin given and without.
/// $INCLUDE is not followed (the input would choose the file).

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "enumd/zones/model.hpp"
#include "enumd/zones/rfc1035.hpp"
#include "fuzz_check.hpp"

using namespace enumd;

namespace {

const std::string kPath = "/nonexistent-fuzz-dir/zone.db";

std::string describe(const std::vector<zones::Zone>& zs, const zones::Diagnostics& diags) {
    std::string s;
    for (const auto& z : zs) {
        s += "zone " + z.origin.to_text() + "\n";
        for (const auto& r : z.records) {
            s += std::to_string(r.loc.line) + " ";
            for (std::uint8_t b : r.owner.wire()) s += std::to_string(b) + ",";
            s += " " + std::to_string(static_cast<int>(r.type)) + " " + std::to_string(r.ttl) + " ";
            for (std::uint8_t b : r.rdata) s += std::to_string(b) + ",";
            s += "\n";
        }
    }
    for (const auto& d : diags.items) s += d.to_text() + "\n";
    return s;
}

std::string load(const std::string& text, const std::optional<dns::Name>& origin, bool ldns_only) {
    zones::Rfc1035Options options;
    options.ldns_only = ldns_only;
    options.follow_includes = false;
    zones::Diagnostics diags;
    auto zs = zones::load_rfc1035_text(text, kPath, origin, diags, options);
    return describe(zs, diags);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 16384) return 0;  // big inputs only slow the search down
    std::string text(reinterpret_cast<const char*>(data), size);
    static const std::optional<dns::Name> kOrigins[] = {*dns::Name::from_text("e164.arpa."), std::nullopt};
    for (const auto& origin : kOrigins) {
        std::string fast = load(text, origin, false);
        std::string ldns = load(text, origin, true);
        if (fast != ldns) std::fprintf(stderr, "fast path:\n%s\nldns:\n%s\n", fast.c_str(), ldns.c_str());
        FUZZ_CHECK(fast == ldns);
    }
    return 0;
}
