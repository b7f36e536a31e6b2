#pragma once
/// Typed readers over a YAML zone's nodes, shared by the sections of the
/// loader (yaml_loader.cpp: files, soa, records; yaml_numbers.cpp: numbers
/// and NAPTRs; yaml_services.cpp: PLMNs and SIP pools). Every reader reports
/// a wrong value at its file:line:column and returns nothing, so one pass
/// finds every error; the zone being built is the shared `ZoneState`.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "enumd/dns/name.hpp"
#include "enumd/zones/model.hpp"
#include "enumd/zones/ranges.hpp"
#include "yaml_tree.hpp"

namespace enumd::zones::yaml {

/// The zone as it is read: where diagnostics go, the file being read, the
/// origin and default TTL, and the records and prefix ranges so far.
struct ZoneState {
    explicit ZoneState(Diagnostics& d) : diags(d) {}
    Diagnostics& diags;
    SourceFile file;
    dns::Name origin;
    bool have_origin = false;
    std::uint32_t ttl = 3600;
    std::vector<Record> records;
    std::vector<PrefixRange> ranges;
    std::vector<Route> routes;  ///< `routes:` (yaml_numbers.cpp)
};

/// "a, b, c" for the list of keys a mapping may hold.
std::string join(const std::vector<std::string_view>& keys);

/// Base of every section reader: field access with file:line errors.
class FieldReader {
   public:
    explicit FieldReader(ZoneState& state) : s_(state) {}

   protected:
    [[nodiscard]] SourceLoc loc(const ytree::Node& n) const;
    void error(const ytree::Node& n, std::string msg);

    /// Unknown and repeated keys are errors: a misspelt key must not be ignored.
    bool check_map(const ytree::Node& n, std::string_view what, const std::vector<std::string_view>& allowed);
    static std::string kind(const ytree::Node& n);
    std::optional<std::string> get_string(const ytree::Node& n, std::string_view what);
    std::optional<std::uint64_t> get_uint(const ytree::Node& n, std::string_view what, std::uint64_t max);
    std::optional<std::uint32_t> get_ttl(const ytree::Node& n);
    /// TTL from `n[key]` when present, else `fallback`.
    std::uint32_t ttl_or(const ytree::Node& parent, std::uint32_t fallback);
    /// A domain name: letters, digits, '-' and '_' per label (RFC 1035 §2.3.1
    /// plus '_' for service labels, RFC 2782), '*' only as the leftmost label
    /// when `wildcard` is allowed; 63/255 octets.
    std::optional<dns::Name> get_name(const ytree::Node& n, std::string_view what, bool wildcard = false);
    static std::vector<ytree::Node> list_or_one(const ytree::Node& n);
    bool expect_list(const ytree::Node& n, std::string_view what);
    void add(const dns::Name& owner, dns::RrType type, std::uint32_t ttl, std::vector<std::uint8_t> rdata,
             const SourceLoc& where, bool generated = false);

    ZoneState& s_;
};

}  // namespace enumd::zones::yaml
