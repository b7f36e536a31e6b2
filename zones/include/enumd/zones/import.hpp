#pragma once
/// The zone model (typically read from an RFC 1035 zone file) as the YAML
/// zone format of zones/README.md, using the friendly forms where they say
/// exactly the same thing:
///  - owners made of digit labels become `numbers` ("+61355500911", not
///    "1.1.9.0.0.5.5.5.3.1.6");
///  - a NAPTR that equals the URI shorthand becomes the URI alone, or a
///    `{uri, order, preference}` mapping, including the {number}/{digits}
///    back-reference forms; other NAPTRs the full-field mapping;
///  - a wildcard `*.<digits>` becomes a prefix range ("+61255502*") when the
///    names below it carry exactly what the compiler's range expansion would
///    generate (ranges.hpp); otherwise it stays a raw wildcard record, with
///    its plain RFC 4592 meaning;
///  - an ePDG name (epdg.epc.mncXXX.mccYYY.pub.3gppnetwork.org) holding only
///    A/AAAA becomes a `plmns` entry with `epdg` addresses (MNC as the name
///    spells it, three digits);
///  - everything else is a generic record (`records`: name, type, data as
///    RFC 1035 text).
/// Import never changes what the zone answers: `import_zone` loads the YAML
/// it produced through the YAML loader and compares RRsets with the input,
/// falling back to plainer forms when they differ.

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "enumd/dns/result.hpp"
#include "enumd/zones/model.hpp"

namespace enumd::zones {

struct ImportOptions {
    bool numbers = true;  ///< digit owners as `numbers` with NAPTR shorthands
    bool ranges = true;   ///< wildcards as prefix ranges where the expansion matches
    bool plmns = true;    ///< ePDG names as `plmns` blocks
    /// A comment at the top ("# imported from lab.zone by enumctl import").
    std::string source_name;
    /// false: `serial: auto` with `min_serial:` the zone's serial (the compiler then moves it forward
    /// on every change: zones/README.md "Serial guard"); true: the serial as an explicit number.
    bool keep_serial = false;
    /// The text a number entry is written with, from its full digits: enumctl passes libphonenumber's
    /// international grouping ("+61 3 5550 0911"), which this library does not link. Unset, or text that does
    /// not read back (numbering::parse_number) as the same digits: "+61355500911". Ranges keep their digit
    /// form ("+61255502*").
    std::function<std::string(std::string_view digits)> number_text;
};

struct ImportReport {
    std::size_t numbers = 0;           ///< number entries written
    std::size_t ranges = 0;            ///< prefix ranges recognised
    std::size_t raw_wildcards = 0;     ///< wildcards kept as records (expansion did not match)
    std::size_t generated = 0;         ///< records left out because a range regenerates them
    std::size_t naptr_shorthands = 0;  ///< NAPTRs written as a URI (string or mapping)
    std::size_t plmns = 0;             ///< ePDG names written as `plmns` blocks
    std::size_t generic_records = 0;   ///< records written in the generic form
    /// Which attempt `import_zone` kept: "friendly", "friendly without ranges",
    /// "friendly without ranges and PLMN blocks", "generic".
    std::string form;
};

/// YAML text for `zone` with the given forms, without the loader check.
dns::Result<std::string> zone_to_yaml(const Zone& zone, const ImportOptions& options, ImportReport* report = nullptr);

/// zone_to_yaml with the round-trip check: the YAML is loaded back
/// (load_yaml_zone_text) and its RRsets compared with `zone`'s; the first of
/// friendly forms, without ranges, without ranges and PLMN blocks, and
/// all-generic that gives the
/// same RRsets is returned. Fails, with the difference, when none does.
/// Options that are off stay off in every attempt.
dns::Result<std::string> import_zone(const Zone& zone, const ImportOptions& options, ImportReport* report = nullptr);

}  // namespace enumd::zones
