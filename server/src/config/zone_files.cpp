// Zone files → validated zones (config.hpp), at start and on every reload.
#include "enumd/server/config.hpp"
#include "enumd/zones/rfc1035.hpp"
#include "enumd/zones/validate.hpp"
#include "enumd/zones/yaml_loader.hpp"

namespace enumd::server {

std::vector<zones::Zone> load_zones(const std::vector<ZoneSpec>& specs, zones::Diagnostics& diags) {
    std::vector<zones::Zone> out;
    for (const auto& spec : specs) {
        std::vector<zones::Zone> got;
        if (zones::looks_like_rfc1035(spec.file)) {
            got = zones::load_rfc1035(spec.file, spec.origin, diags);
            for (const auto& z : got) zones::validate_zone(z, diags);
        } else {
            got = zones::load_zone_files({spec.file}, diags);
        }
        for (auto& z : got) out.push_back(std::move(z));
    }
    // Two files for one origin would silently replace each other.
    for (std::size_t i = 0; i < out.size(); ++i) {
        for (std::size_t j = i + 1; j < out.size(); ++j) {
            if (out[i].origin == out[j].origin)
                diags.error(out[j].loc, "zone " + out[j].origin.to_text() + " is already defined in " + out[i].loc.to_text());
        }
    }
    return out;
}

}  // namespace enumd::server
