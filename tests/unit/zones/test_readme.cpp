// Every YAML example of zones/README.md loads and passes validation: the
// format reference cannot drift from the loader (CoreDNS boots its README
// examples the same way).
#include <catch2/catch.hpp>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "enumd/zones/validate.hpp"
#include "enumd/zones/yaml_loader.hpp"

using namespace enumd::zones;

TEST_CASE("Every YAML example in zones/README.md loads without errors or warnings", "[readme]") {
    std::ifstream in(std::string(ENUMD_SOURCE_DIR) + "/zones/README.md");
    REQUIRE(in.good());
    std::string md((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<std::string> blocks;
    for (std::size_t at = md.find("```yaml\n"); at != std::string::npos; at = md.find("```yaml\n", at)) {
        at += 8;
        auto end = md.find("```", at);
        REQUIRE(end != std::string::npos);
        blocks.push_back(md.substr(at, end - at));
        at = end + 3;
    }
    CHECK(blocks.size() >= 4);
    for (const auto& b : blocks) {
        std::string text = b;
        if (b.find("origin:") == std::string::npos) {
            // A fragment: give it the zone it is written for.
            bool gpp = b.find("plmns:") != std::string::npos || b.find("sip_pools:") != std::string::npos;
            text = std::string("origin: ") + (gpp ? "3gppnetwork.org." : "e164.arpa.") +
                   "\nsoa: {mname: ns1.example.net., rname: hostmaster.example.net.}\nns: [ns1.example.net.]\n" + b;
        }
        INFO(text);
        Diagnostics d;
        auto z = load_yaml_zone_text(text, "README.md", d);
        REQUIRE(z.has_value());
        validate_zone(*z, d);
        for (const auto& i : d.items) UNSCOPED_INFO(i.to_text());
        CHECK(d.items.empty());
        CHECK(z->records.size() > 2);
    }
}
