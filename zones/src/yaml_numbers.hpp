#pragma once
/// The `numbers` section of a YAML zone: E.164 numbers and prefix ranges as
/// people write them, each with its NAPTRs (a URI shorthand or the RFC 3403
/// fields). Numbers become records in the zone state; prefixes become
/// ranges, expanded once the whole zone is read (ranges.hpp). `routes`
/// (named NAPTR sets with a `{rn}` placeholder) are read first; a number
/// with `route:` gets the route's records, marked with the route (RouteRef)
/// so the store can keep a reference instead (route.hpp).

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "enumd/zones/bulk_numbers.hpp"
#include "enumd/numbering/e164.hpp"
#include "enumd/zones/naptr.hpp"
#include "yaml_fields.hpp"
#include "yaml_source.hpp"

namespace enumd::zones::yaml {

class NumberReader : FieldReader {
   public:
    NumberReader(ZoneState& state, const YamlLoadOptions& options) : FieldReader(state), options_(options) {}
    /// The top-level `routes` mapping: name → NAPTR entry or list of them.
    void routes(const ytree::Node& m);
    /// One entry of `numbers`.
    void number(const ytree::Node& e);
    /// `numbers_csv`: a path or a list of them, relative to the current file
    /// and opened under the include rules (csv_numbers.cpp).
    void numbers_csv(const ytree::Node& n, SourceFiles& files);

    /// A CSV field: text and 1-based column (0: the row has no such field).
    struct CsvField {
        std::string_view text;
        int column = 0;
    };
    struct CsvRow {
        CsvField number, route, rn, naptr;
    };
    using CsvReport = std::function<void(int column, std::string message)>;

    /// After every file of the zone is read: the bulk numbers sorted (an
    /// external merge sort), repeats reported, and numbers that meet the
    /// YAML part — a name with records, or below a prefix range, a wildcard
    /// or a zone cut — turned into records so that ranges and cuts apply to
    /// them as to any number. Sets `zone.bulk`.
    void finish_bulk(Zone& zone);

   private:
    /// A routed CSV row kept as a BulkEntry (not a Record) for the store.
    void bulk_number(const numbering::NumberText& num, std::uint16_t route, std::string_view rn,
                     const std::string& path, int line, const CsvReport& report);
    /// The records of a bulk number that must be records after all.
    void materialize(const BulkEntry& e);
    void csv_file(const std::string& path, int fd);
    void csv_row(const CsvRow& row, const std::string& path, int line, const CsvReport& report);
    /// The records of route `index` (1-based, as in route_index_) with the
    /// routing number `rn_digits` at `owner`; false with `problems` (one per
    /// record) when an expansion does not fit.
    bool route_records(std::uint16_t index, std::string_view rn_digits, const dns::Name& owner, std::uint32_t ttl,
                       const SourceLoc& where, std::vector<Record>& out, std::vector<std::string>& problems);

    /// One NAPTR entry: a URI string, a mapping with `uri`, or the full fields.
    std::optional<std::pair<std::uint32_t, std::vector<std::uint8_t>>> naptr_entry(const ytree::Node& n,
                                                                                   std::uint32_t ttl);
    /// The fields of a NAPTR entry; in a route (`in_route`) `{rn}` becomes kRnMarker
    /// and `has_ttl` says whether the entry gave its own `ttl`.
    std::optional<Naptr> naptr_fields(const ytree::Node& n, std::uint32_t& ttl, bool in_route, bool& has_ttl);
    /// The records of `route:` for one number (or range) at `owner`; false on an error.
    bool routed_records(const ytree::Node& e, const dns::Name& owner, std::uint32_t ttl, std::vector<Record>& out);

    std::unordered_map<std::string, SourceLoc> numbers_seen_;
    const YamlLoadOptions& options_;
    std::unique_ptr<BulkSorter> bulk_;
    std::vector<std::string> bulk_files_;
    std::optional<std::string> implied_;  ///< digits the origin implies (numbering::implied_digits)
    /// The route of the row before: consecutive rows mostly name the same one.
    std::string last_route_;
    std::unordered_map<std::string, std::uint16_t>::iterator last_route_it_;  ///< valid once last_route_ is set
    /// Route name → 1 + index into ZoneState::routes; 0 for a route with errors.
    std::unordered_map<std::string, std::uint16_t> route_index_;
};

}  // namespace enumd::zones::yaml
