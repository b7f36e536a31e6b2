#pragma once
/// The `numbers` section of a YAML zone: E.164 numbers and prefix ranges as
/// people write them, each with its NAPTRs (a URI shorthand or the RFC 3403
/// fields). Numbers become records in the zone state; prefixes become
/// ranges, expanded once the whole zone is read (ranges.hpp).

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "yaml_fields.hpp"

namespace enumd::zones::yaml {

class NumberReader : FieldReader {
   public:
    using FieldReader::FieldReader;
    /// One entry of `numbers`.
    void number(const ytree::Node& e);

   private:
    /// One NAPTR entry: a URI string, a mapping with `uri`, or the full fields.
    std::optional<std::pair<std::uint32_t, std::vector<std::uint8_t>>> naptr_entry(const ytree::Node& n,
                                                                                   std::uint32_t ttl);

    std::unordered_map<std::string, SourceLoc> numbers_seen_;
};

}  // namespace enumd::zones::yaml
