/// Fuzz target: the two CSV readers of numbering data (operator and
/// provisioning input). The first input octet picks the reader:
///   even: a zone's `numbers_csv` file (csv_numbers.cpp) — the rest of the
///         input is the CSV, read through a fixed YAML zone with two routes,
///         a number, a prefix range and a delegation for the bulk numbers to
///         collide with, then validated;
///   odd:  an `enumctl apply` change file (read_change_csv).
/// Both read from a file (that is their interface: millions of rows are
/// streamed, never held as text), so the input goes to one private file
/// under /dev/shm (or TMPDIR), rewritten per run. Every problem must come out
/// as a diagnostic naming that file; a crash, hang or leak is a bug.

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "enumd/zones/change.hpp"
#include "enumd/zones/model.hpp"
#include "enumd/zones/validate.hpp"
#include "enumd/zones/yaml_loader.hpp"
#include "fuzz_check.hpp"

using namespace enumd;

namespace {

/// A directory of this process (removed at exit) holding the zone and the CSV.
struct Scratch {
    std::string dir;
    std::string zone_path;
    std::string csv_path;
    std::string zone_text;

    Scratch() {
        const char* tmp = std::getenv("TMPDIR");
        const char* base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : (tmp != nullptr ? tmp : "/tmp");
        std::string templ = std::string(base) + "/enumd-fuzz-csv-XXXXXX";
        if (mkdtemp(templ.data()) == nullptr) std::abort();
        dir = templ;
        zone_path = dir + "/zone.yaml";
        csv_path = dir + "/numbers.csv";
        zone_text =
            "origin: 1.6.e164.arpa.\n"
            "soa: {mname: ns1.example.net., rname: hostmaster.example.net., serial: 1}\n"
            "ns: [ns1.example.net.]\n"
            "routes:\n"
            "  telstra: [{uri: \"sip:{number}@sip.telstra.example\", order: 10}]\n"
            "  optus-pstn: {uri: \"tel:{number};npdi;rn={rn}\", service: \"E2U+pstn:tel\"}\n"
            "numbers:\n"
            "  - {number: \"+61 3 5550 0911\", route: telstra}\n"
            "  - {number: \"+61255502*\", route: telstra}\n"
            "records:\n"
            "  - {name: 9.9.9, type: NS, data: ns.other.example.}\n"
            "numbers_csv: numbers.csv\n";
        write(zone_path, zone_text);
    }
    ~Scratch() {
        std::remove(csv_path.c_str());
        std::remove(zone_path.c_str());
        rmdir(dir.c_str());
    }
    static void write(const std::string& path, const std::string& text) {
        std::FILE* f = std::fopen(path.c_str(), "wb");
        if (f == nullptr) std::abort();
        if (!text.empty() && std::fwrite(text.data(), 1, text.size(), f) != text.size()) std::abort();
        std::fclose(f);
    }
};

Scratch& scratch() {
    static Scratch s;
    return s;
}

void numbers_csv(const std::string& csv) {
    auto& s = scratch();
    Scratch::write(s.csv_path, csv);
    zones::YamlLoadOptions options;
    options.bulk_run_entries = 8;  // small runs, so the spill-and-merge path is reached
    options.bulk_temp_dir = s.dir;
    zones::Diagnostics diags;
    auto zone = zones::load_yaml_zone(s.zone_path, diags, options);
    FUZZ_CHECK(zone.has_value());  // the zone text is fixed and names its origin
    zones::validate_zone(*zone, diags);
    // diagnostics name the zone or its CSV, nothing else
    for (const auto& d : diags.items) FUZZ_CHECK(d.loc.file.empty() || d.loc.file.str().rfind(s.dir, 0) == 0);
    for (const auto& r : zone->records) FUZZ_CHECK(r.owner.is_subdomain_of(zone->origin));
}

void change_csv(const std::string& csv) {
    auto& s = scratch();
    Scratch::write(s.csv_path, csv);
    auto file = zones::read_change_csv(s.csv_path);
    for (const auto& e : file.errors) FUZZ_CHECK(e.rfind(s.csv_path, 0) == 0);
    FUZZ_CHECK(file.changes.size() <= zones::kMaxChangeSet);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1 || size > 16384) return 0;  // big inputs only slow the search down
    std::string csv(reinterpret_cast<const char*>(data + 1), size - 1);
    if ((data[0] & 1) == 0)
        numbers_csv(csv);
    else
        change_csv(csv);
    return 0;
}
