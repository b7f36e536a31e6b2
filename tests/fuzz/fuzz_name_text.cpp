/// Fuzz target: Name::from_text. Input: the presentation-format name; when it
/// contains a newline, the part after it is the origin for relative names.
/// Whatever parses must survive text, wire and lookup-key round trips.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <algorithm>
#include <array>

#include "enumd/dns/name.hpp"
#include "fuzz_check.hpp"

using namespace enumd::dns;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    std::string_view text = input;
    Result<Name> origin = Name();
    if (auto nl = input.find('\n'); nl != std::string_view::npos) {
        text = input.substr(0, nl);
        origin = Name::from_text(input.substr(nl + 1));
        if (!origin.ok()) return 0;
    }
    auto name = Name::from_text(text, &*origin);
    if (!name.ok()) return 0;
    const Name& n = *name;
    FUZZ_CHECK(n.wire_size() <= kMaxNameLength);
    FUZZ_CHECK(n.label_count() <= kMaxLabels);

    // Text round trip keeps the exact octets (case included).
    auto back = Name::from_text(n.to_text());
    FUZZ_CHECK(back.ok());
    FUZZ_CHECK(back->wire_size() == n.wire_size());
    FUZZ_CHECK(std::equal(n.wire().begin(), n.wire().end(), back->wire().begin()));

    // Wire round trip.
    std::size_t off = 0;
    auto from_wire = Name::from_wire(n.wire(), off);
    FUZZ_CHECK(from_wire.ok() && off == n.wire_size() && from_wire->equals(n));
    auto uncompressed = Name::from_uncompressed(n.wire());
    FUZZ_CHECK(uncompressed.ok() && uncompressed->equals(n));

    // Lookup key: inverse, canonical order, label count.
    std::array<std::uint8_t, kMaxLookupKey> key{};
    std::size_t klen = n.to_lookup_key(key);
    std::span<const std::uint8_t> kspan(key.data(), klen);
    auto from_key = Name::from_lookup_key(kspan);
    FUZZ_CHECK(from_key.ok() && from_key->equals(n));
    FUZZ_CHECK(key_label_count(kspan) == n.label_count());
    FUZZ_CHECK(n.canonical_compare(n) == 0);
    FUZZ_CHECK(n.lowercased().equals(n));
    FUZZ_CHECK(n.is_subdomain_of(*origin) || input.find('\n') == std::string_view::npos ||
               (!text.empty() && text.back() == '.'));

    // Every ancestor is a suffix, orders before the name, and its key is a prefix.
    for (std::size_t i = 1; i <= n.label_count(); ++i) {
        Name p = n.parent(i);
        FUZZ_CHECK(p.label_count() == n.label_count() - i);
        FUZZ_CHECK(n.is_subdomain_of(p));
        FUZZ_CHECK(p.canonical_compare(n) < 0 && n.canonical_compare(p) > 0);
        std::string pkey = p.to_lookup_key();
        std::span<const std::uint8_t> pspan(reinterpret_cast<const std::uint8_t*>(pkey.data()), pkey.size());
        FUZZ_CHECK(key_prefix_length(kspan, p.label_count()) == pkey.size());
        FUZZ_CHECK(std::equal(pspan.begin(), pspan.end(), kspan.begin()));
        FUZZ_CHECK(common_key_labels(kspan, pspan) == p.label_count());
    }
    if (n.label_count() > 0) {
        auto re = n.parent().prepend(n.label(0));
        FUZZ_CHECK(re.ok() && re->equals(n));
    }
    return 0;
}
