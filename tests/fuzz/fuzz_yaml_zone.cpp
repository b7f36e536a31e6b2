/// Fuzz target: the YAML zone format (zones/README.md) — load_yaml_zone_text
/// then validate_zone. A zone file is operator input, but a crash, hang or leak
/// on any text is a bug; every problem must come out as a diagnostic.
/// Includes are parsed but never followed (YamlLoadOptions::follow_includes
/// off): the loader looks at no path an input names, so a fuzz run cannot
/// read /dev/zero or any other file, whatever the mutator spells.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "enumd/zones/model.hpp"
#include "enumd/zones/validate.hpp"
#include "enumd/zones/yaml_loader.hpp"
#include "fuzz_check.hpp"

using namespace enumd;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 16384) return 0;  // big inputs only slow the search down
    std::string text(reinterpret_cast<const char*>(data), size);
    zones::YamlLoadOptions options;
    options.follow_includes = false;
    zones::Diagnostics diags;
    auto zone = zones::load_yaml_zone_text(text, "/nonexistent-fuzz-dir/zone.yaml", diags, options);
    for (const auto& d : diags.items) FUZZ_CHECK(d.loc.file == "/nonexistent-fuzz-dir/zone.yaml");
    if (zone) {
        zones::validate_zone(*zone, diags);
        for (const auto& r : zone->records) FUZZ_CHECK(r.owner.is_subdomain_of(zone->origin) || diags.has_errors());
    }
    return 0;
}
