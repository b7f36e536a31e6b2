#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>

#include "enumd/numbering/gpp_names.hpp"
#include "enumd/zones/naptr.hpp"
#include "enumd/zones/rdata_text.hpp"
#include "enumd/zones/validate.hpp"
#include "enumd/zones/yaml_loader.hpp"
#include "zone_fixtures.hpp"

using enumd::dns::Name;
using enumd::dns::RrType;
using namespace enumd::zones;
using namespace enumd::testing;

namespace {

const std::string kHeader = yaml_head("e164.arpa.", "ns1.example.net.");

struct Loaded {
    std::optional<Zone> zone;
    Diagnostics diags;
    [[nodiscard]] std::string all() const {
        return all_diags(diags);
    }
    /// A diagnostic that starts with `prefix` ("t.yaml:5:14: error: ") and contains `part`.
    [[nodiscard]] bool has(const std::string& prefix, const std::string& part) const {
        for (const auto& d : diags.items) {
            std::string t = d.to_text();
            if (t.rfind(prefix, 0) == 0 && t.find(part) != std::string::npos) return true;
        }
        return false;
    }
};

Loaded load_text(const std::string& text) {
    Loaded l;
    l.zone = load_yaml_zone_text(text, "t.yaml", l.diags);
    if (l.zone) validate_zone(*l.zone, l.diags);
    return l;
}

struct ErrorCase {
    std::string body;    // after the three header lines
    std::string prefix;  // "t.yaml:L:C: error: "
    std::string part;    // a piece of the sentence
};

void check_cases(const std::vector<ErrorCase>& cases, const std::string& header = kHeader) {
    for (const auto& c : cases) {
        Loaded l = load_text(header + c.body);
        INFO("body:\n" << c.body << "\ndiagnostics:\n" << l.all());
        CHECK(l.diags.has_errors());
        CHECK(l.has(c.prefix, c.part));
    }
}

std::string lines_of(const Zone& z) {
    std::string s;
    for (const auto& r : z.records)
        s += r.owner.to_text() + " " + std::to_string(r.ttl) + " " + enumd::dns::to_text(r.type) + " " +
             rdata_to_text(r.type, r.rdata) + (r.generated ? " ;g" : "") + "\n";
    return s;
}

struct Generated {
    std::string owner, type, rdata;
};

/// Each case is a generated record of `z` (TTL 300), and `z` holds nothing else beside its SOA and NS.
void check_generated(const Zone& z, const std::vector<Generated>& cases) {
    std::string all = lines_of(z);
    for (const auto& c : cases) {
        std::string line = c.owner + ". 300 " + c.type + " " + c.rdata + " ;g\n";
        INFO(line);
        CHECK(all.find(line) != std::string::npos);
    }
    CHECK(z.records.size() == 2 + cases.size());
}

}  // namespace

TEST_CASE("The lab numbers load into the owners and NAPTRs the seed's BIND zone has", "[yaml]") {
    Loaded l = load_text(kHeader +
                         "ttl: 3600\n"
                         "numbers:\n"
                         "  - number: \"+61 3 5550 0911\"\n"
                         "    naptr: sip:info@server1.example.net\n"
                         "  - number: \"61-3-5550-0914\"\n"
                         "    naptr:\n"
                         "      - {uri: \"sip:info@server1.example.net\", order: 10}\n"
                         "      - {uri: \"sip:info@server2.example.net\", order: 20, ttl: 60}\n");
    INFO(l.all());
    REQUIRE(l.zone.has_value());
    // The one warning: a TTL that differs inside the RRset.
    CHECK(l.all() ==
          "t.yaml:11:9: warning: the NAPTR records at 4.1.9.0.0.5.5.5.3.1.6.e164.arpa. have different TTLs (60 to "
          "3600): an RRset has one TTL (RFC 2181 §5.2), so 60 is served for all of them\n");
    CHECK(lines_of(*l.zone) ==
          "e164.arpa. 3600 SOA ns1.example.net. hostmaster.example.net. 1 7200 3600 1209600 300\n"
          "e164.arpa. 3600 NS ns1.example.net.\n"
          "1.1.9.0.0.5.5.5.3.1.6.e164.arpa. 3600 NAPTR 10 100 \"u\" \"E2U+sip\" "
          "\"!^.*$!sip:info@server1.example.net!\" .\n"
          "4.1.9.0.0.5.5.5.3.1.6.e164.arpa. 3600 NAPTR 10 100 \"u\" \"E2U+sip\" "
          "\"!^.*$!sip:info@server1.example.net!\" .\n"
          "4.1.9.0.0.5.5.5.3.1.6.e164.arpa. 60 NAPTR 20 100 \"u\" \"E2U+sip\" \"!^.*$!sip:info@server2.example.net!\" "
          ".\n");
    CHECK_FALSE(l.zone->auto_serial);
}

TEST_CASE("The full NAPTR form, generic records and serial auto load as written", "[yaml]") {
    Loaded l = load_text(
        "origin: 1.6.e164.arpa\n"
        "soa: {mname: ns1.example.net., rname: hostmaster@example.net}\n"
        "ns: ns1.example.net.\n"
        "numbers:\n"
        "  - number: \"+61255502000\"\n"
        "    naptr:\n"
        "      - {order: 100, preference: 10, flags: u, service: E2U+sip, regexp: "
        "'!(^.*$)!sip:\\1@server2.example.net!'}\n"
        "      - {order: 200, flags: '', service: E2U+sip, replacement: sip.example.net.}\n"
        "records:\n"
        "  - {name: www, type: AAAA, data: ['2001:db8::1', '2001:db8::2'], ttl: 5}\n");
    INFO(l.all());
    REQUIRE(l.zone.has_value());
    CHECK_FALSE(l.diags.has_errors());
    CHECK(l.zone->auto_serial);
    CHECK(l.zone->origin.to_text() == "1.6.e164.arpa.");
    CHECK(lines_of(*l.zone) ==
          "1.6.e164.arpa. 3600 SOA ns1.example.net. hostmaster.example.net. 1 7200 3600 1209600 300\n"
          "1.6.e164.arpa. 3600 NS ns1.example.net.\n"
          "0.0.0.2.0.5.5.5.2.1.6.e164.arpa. 3600 NAPTR 100 10 \"u\" \"E2U+sip\" "
          "\"!(^.*$)!sip:\\\\1@server2.example.net!\" .\n"
          "0.0.0.2.0.5.5.5.2.1.6.e164.arpa. 3600 NAPTR 200 100 \"\" \"E2U+sip\" \"\" sip.example.net.\n"
          "www.1.6.e164.arpa. 5 AAAA 2001:db8::1\n"
          "www.1.6.e164.arpa. 5 AAAA 2001:db8::2\n");
}

TEST_CASE("A PLMN block generates ePDG, IMS pool SRV/A and RFC 3263 NAPTRs", "[yaml][3gpp]") {
    Loaded l = load_text(
        "origin: 3gppnetwork.org.\n"
        "ttl: 300\n"
        "soa: {mname: ns1.example.net., rname: hostmaster.example.net., serial: 7}\n"
        "ns: [ns1.example.net.]\n"
        "plmns:\n"
        "  - mcc: \"505\"\n"
        "    mnc: \"01\"\n"
        "    epdg: [192.0.2.11, '2001:db8::11']\n"
        "    ims:\n"
        "      scscf:\n"
        "        transports: [udp, tls]\n"
        "        members:\n"
        "          - {host: scscf1.ims.mnc001.mcc505, priority: 10, weight: 60, addresses: [192.0.2.41]}\n"
        "          - {host: scscf2.ims.mnc001.mcc505, priority: 20, weight: 40, port: 5070}\n"
        "      sip_domain: scscf\n");
    INFO(l.all());
    REQUIRE(l.zone.has_value());
    CHECK(l.diags.items.empty());
    CHECK(lines_of(*l.zone) ==
          "3gppnetwork.org. 300 SOA ns1.example.net. hostmaster.example.net. 7 7200 3600 1209600 300\n"
          "3gppnetwork.org. 300 NS ns1.example.net.\n"
          "epdg.epc.mnc001.mcc505.pub.3gppnetwork.org. 300 A 192.0.2.11 ;g\n"
          "epdg.epc.mnc001.mcc505.pub.3gppnetwork.org. 300 AAAA 2001:db8::11 ;g\n"
          "_sip._udp.scscf.ims.mnc001.mcc505.3gppnetwork.org. 300 SRV 10 60 5060 "
          "scscf1.ims.mnc001.mcc505.3gppnetwork.org. ;g\n"
          "_sips._tcp.scscf.ims.mnc001.mcc505.3gppnetwork.org. 300 SRV 10 60 5061 "
          "scscf1.ims.mnc001.mcc505.3gppnetwork.org. ;g\n"
          "scscf1.ims.mnc001.mcc505.3gppnetwork.org. 300 A 192.0.2.41 ;g\n"
          "_sip._udp.scscf.ims.mnc001.mcc505.3gppnetwork.org. 300 SRV 20 40 5070 "
          "scscf2.ims.mnc001.mcc505.3gppnetwork.org. ;g\n"
          "_sips._tcp.scscf.ims.mnc001.mcc505.3gppnetwork.org. 300 SRV 20 40 5070 "
          "scscf2.ims.mnc001.mcc505.3gppnetwork.org. ;g\n"
          "ims.mnc001.mcc505.3gppnetwork.org. 300 NAPTR 10 10 \"s\" \"SIP+D2U\" \"\" "
          "_sip._udp.scscf.ims.mnc001.mcc505.3gppnetwork.org. ;g\n"
          "ims.mnc001.mcc505.3gppnetwork.org. 300 NAPTR 10 20 \"s\" \"SIPS+D2T\" \"\" "
          "_sips._tcp.scscf.ims.mnc001.mcc505.3gppnetwork.org. ;g\n");
}

TEST_CASE("A PLMN block generates the emergency, area, visited-country, N3IWF and 5GC names of the builders",
          "[yaml][3gpp]") {
    Loaded l = load_text(
        "origin: 3gppnetwork.org.\n"
        "ttl: 300\n"
        "soa: {mname: ns1.example.net., rname: hostmaster.example.net., serial: 7}\n"
        "ns: [ns1.example.net.]\n"
        "plmns:\n"
        "  - mcc: \"505\"\n"
        "    mnc: \"02\"\n"
        "    epdg: 192.0.2.21\n"
        "    epdg_sos: 192.0.2.25\n"
        "    epdg_areas:\n"
        "      - {tac: \"0b1a\", epdg: 192.0.2.31, epdg_sos: 192.0.2.35}\n"
        "      - {tac_5gs: \"0B1A21\", epdg: 192.0.2.32}\n"
        "      - {lac: \"01ab\", epdg: 192.0.2.33, epdg_sos: 192.0.2.36}\n"
        "    visited_country: {order: 20, preference: 5}\n"
        "    n3iwf: \"2001:db8::1\"\n"
        "    nf: {nrf: 192.0.2.51, nssf: 192.0.2.52, sepp: 192.0.2.53}\n");
    INFO(l.all());
    REQUIRE(l.zone.has_value());
    CHECK(l.diags.items.empty());
    using namespace enumd::numbering;
    const auto p = *Plmn::make("505", "02");
    constexpr auto sos = EpdgUse::Emergency;
    // Each generated owner is the library builder's name: zone and client agree.
    check_generated(*l.zone, {
        {epdg_fqdn(p), "A", "192.0.2.21"},
        {epdg_fqdn(p, sos), "A", "192.0.2.25"},
        {epdg_tai_fqdn(p, 0x0b1a), "A", "192.0.2.31"},
        {epdg_tai_fqdn(p, 0x0b1a, sos), "A", "192.0.2.35"},
        {*epdg_5gs_tai_fqdn(p, 0x0b1a21), "A", "192.0.2.32"},
        {epdg_lai_fqdn(p, 0x01ab), "A", "192.0.2.33"},
        {epdg_lai_fqdn(p, 0x01ab, sos), "A", "192.0.2.36"},
        {*epdg_visited_country_fqdn("505"), "NAPTR",
         "20 5 \"a\" \"x-3gpp-epdg:x-s2b-gtp\" \"\" " + epdg_fqdn(p) + "."},
        {*epdg_visited_country_fqdn("505", sos), "NAPTR",
         "20 5 \"a\" \"x-3gpp-epdg:x-s2b-gtp\" \"\" " + epdg_fqdn(p, sos) + "."},
        {n3iwf_fqdn(p), "AAAA", "2001:db8::1"},
        {nrf_fqdn(p), "A", "192.0.2.51"},
        {nssf_fqdn(p), "A", "192.0.2.52"},
        {*sepp_fqdn(p), "A", "192.0.2.53"},
    });
}

TEST_CASE("epdg_areas entries are checked", "[yaml][3gpp]") {
    struct Case {
        const char* entry;
        const char* message;
    };
    const Case cases[] = {
        {"{tac: \"0b1a\", lac: \"01\", epdg: 192.0.2.1}", "an epdg_areas entry needs exactly one of"},
        {"{tac: \"10000\", epdg: 192.0.2.1}", "tac '10000' must be 1-4 hex digits"},
        {"{tac_5gs: \"0b1z\", epdg: 192.0.2.1}", "tac_5gs '0b1z' must be 1-6 hex digits"},
        {"{lac: \"01ab\", epgd: 192.0.2.1}", "unknown key"},
    };
    for (const auto& c : cases) {
        Loaded l = load_text(std::string("origin: 3gppnetwork.org.\n"
                                         "soa: {mname: ns1.example.net., rname: hostmaster.example.net.}\n"
                                         "ns: [ns1.example.net.]\n"
                                         "plmns:\n  - {mcc: \"505\", mnc: \"02\", epdg_areas: [") +
                             c.entry + "]}\n");
        INFO(c.entry << "\n" << l.all());
        CHECK(l.all().find(c.message) != std::string::npos);
    }
}

TEST_CASE("A PLMN block generates AMF names and S-NAPTR node records under the builders' names", "[yaml][3gpp][5gc]") {
    Loaded l = load_text(
        "origin: 3gppnetwork.org.\n"
        "ttl: 300\n"
        "soa: {mname: ns1.example.net., rname: hostmaster.example.net., serial: 7}\n"
        "ns: [ns1.example.net.]\n"
        "plmns:\n"
        "  - mcc: \"345\"\n"
        "    mnc: \"12\"\n"
        "    amf:\n"
        "      - {name: amf1, region: \"48\", set: \"001\", pointer: \"01\", addresses: 192.0.2.61}\n"
        "      - {region: \"48\", set: \"001\", pointer: \"3f\", addresses: 192.0.2.62}\n"
        "    snaptr:\n"
        "      - apn: internet\n"
        "        service: x-3gpp-pgw:x-s5-gtp:x-s8-gtp\n"
        "        node: topon.s5.pgw1.west.node.epc.mnc012.mcc345.3gppnetwork.org.\n"
        "        addresses: 192.0.2.71\n"
        "      - apn: internet\n"
        "        service: x-3gpp-pgw:x-s5-gtp\n"
        "        node: topon.s5.pgw2.east.node.epc.mnc012.mcc345\n"
        "        order: 20\n"
        "        preference: 5\n"
        "      - tac: \"0b1a\"\n"
        "        service: x-3gpp-sgw:x-s11\n"
        "        node: topoff.s11.sgw1.west.node.epc.mnc012.mcc345\n"
        "      - tac_5gs: \"0b1a21\"\n"
        "        service: x-3gpp-amf:x-n2\n"
        "        node: _n2._sctp.amfset1.5gc.mnc012.mcc345\n"
        "        srv:\n"
        "          - {host: topon.n2.amf1.west.node.5gc.mnc012.mcc345, port: 38412, priority: 10, weight: 60,\n"
        "             addresses: [192.0.2.81]}\n");
    INFO(l.all());
    REQUIRE(l.zone.has_value());
    CHECK(l.diags.items.empty());
    using namespace enumd::numbering;
    const auto p = *Plmn::make("345", "12");
    const std::string node = "node.epc.mnc012.mcc345.3gppnetwork.org.";
    const std::string org = ".3gppnetwork.org";
    check_generated(*l.zone, {
        // TS 23.003 §28.3.2.5, .7 (both AMFs of the set), .8
        {*amf_name_fqdn(p, "amf1"), "A", "192.0.2.61"},
        {*amf_set_fqdn(p, 0x48, 0x001), "A", "192.0.2.61"},
        {*amf_set_fqdn(p, 0x48, 0x001), "A", "192.0.2.62"},
        {*amf_instance_fqdn(p, 0x48, 0x001, 0x01), "A", "192.0.2.61"},
        {*amf_instance_fqdn(p, 0x48, 0x001, 0x3f), "A", "192.0.2.62"},
        // TS 29.303: "a" records at the APN-FQDN and the TAI FQDN, "s" at the 5GS TAI FQDN
        {*apn_fqdn("internet", p), "NAPTR", "10 10 \"a\" \"x-3gpp-pgw:x-s5-gtp:x-s8-gtp\" \"\" topon.s5.pgw1.west." + node},
        {"topon.s5.pgw1.west.node.epc.mnc012.mcc345" + org, "A", "192.0.2.71"},
        {*apn_fqdn("internet", p), "NAPTR", "20 5 \"a\" \"x-3gpp-pgw:x-s5-gtp\" \"\" topon.s5.pgw2.east." + node},
        {tai_fqdn(p, 0x0b1a), "NAPTR", "10 10 \"a\" \"x-3gpp-sgw:x-s11\" \"\" topoff.s11.sgw1.west." + node},
        {*fivegs_tai_fqdn(p, 0x0b1a21), "NAPTR",
         "10 10 \"s\" \"x-3gpp-amf:x-n2\" \"\" _n2._sctp.amfset1.5gc.mnc012.mcc345.3gppnetwork.org."},
        {"_n2._sctp.amfset1.5gc.mnc012.mcc345" + org, "SRV",
         "10 60 38412 topon.n2.amf1.west.node.5gc.mnc012.mcc345.3gppnetwork.org."},
        {"topon.n2.amf1.west.node.5gc.mnc012.mcc345" + org, "A", "192.0.2.81"},
    });
}

TEST_CASE("amf and snaptr entries are checked", "[yaml][3gpp][5gc]") {
    struct Case {
        const char* key;
        const char* entry;
        const char* message;
    };
    const Case cases[] = {
        {"amf", "{name: amf1}", "an amf entry needs 'addresses'"},
        {"amf", "{addresses: 192.0.2.1}", "an amf entry needs 'name' (AMF Name) or 'region' and 'set'"},
        {"amf", "{name: amf-, addresses: 192.0.2.1}", "bad AMF id 'amf-'"},
        {"amf", "{region: \"48\", addresses: 192.0.2.1}", "needs both 'region' and 'set'"},
        {"amf", "{region: \"148\", set: \"1\", addresses: 192.0.2.1}", "region '148' must be 1-2 hex digits"},
        {"amf", "{region: \"48\", set: \"400\", addresses: 192.0.2.1}", "an AMF Set ID is 10 bits"},
        {"amf", "{region: \"48\", set: \"1\", pointer: \"40\", addresses: 192.0.2.1}", "an AMF Pointer is 6 bits"},
        {"snaptr", "{service: \"x-3gpp-pgw:x-s5-gtp\", node: n1}", "needs exactly one of 'apn'"},
        {"snaptr", "{apn: internet, tac: \"1\", service: \"x-3gpp-pgw:x-s5-gtp\", node: n1}", "exactly one of"},
        {"snaptr", "{apn: internet, node: n1}", "needs 'service'"},
        {"snaptr", "{apn: internet, service: \"x-3gpp-pgw\", node: n1}", "is not an S-NAPTR services field"},
        {"snaptr", "{apn: internet, service: \"x 3gpp:x-s5\", node: n1}", "is not an S-NAPTR services field"},
        {"snaptr", "{apn: internet, service: \"x-3gpp-pgw:x-s5-gtp\", node: n1, addresses: 192.0.2.1, srv: []}",
         "not both"},
        {"snaptr", "{apn: internet, service: \"x-3gpp-pgw:x-s5-gtp\", node: n1, srv: [{host: h1}]}", "needs 'port'"},
        {"snaptr", "{tac_5gs: \"1000000\", service: \"x-3gpp-amf:x-n2\", node: n1}", "must be 1-6 hex digits"},
    };
    for (const auto& c : cases) {
        Loaded l = load_text(std::string("origin: 3gppnetwork.org.\n"
                                         "soa: {mname: ns1.example.net., rname: hostmaster.example.net.}\n"
                                         "ns: [ns1.example.net.]\n"
                                         "plmns:\n  - {mcc: \"345\", mnc: \"12\", ") +
                             c.key + ": [" + c.entry + "]}\n");
        INFO(c.entry << "\n" << l.all());
        CHECK(l.all().find(c.message) != std::string::npos);
    }
}

TEST_CASE("sip_pools and sip_domains work without a PLMN and share host addresses", "[yaml][3gpp]") {
    Loaded l = load_text(
        "origin: example.net.\n"
        "soa: {mname: ns1, rname: hostmaster, serial: 1}\n"
        "ns: [ns1.example.org.]\n"
        "sip_domains:\n"
        "  - {domain: '@', pool: pool, order: 50}\n"
        "sip_pools:\n"
        "  - name: pool\n"
        "    transports: tcp\n"
        "    members:\n"
        "      - {host: sip1, addresses: 192.0.2.1}\n"
        "  - name: pool2\n"
        "    members:\n"
        "      - {host: sip1, addresses: 192.0.2.1}\n");
    INFO(l.all());
    REQUIRE(l.zone.has_value());
    CHECK(l.diags.items.empty());
    CHECK(lines_of(*l.zone) ==
          "example.net. 3600 SOA ns1.example.net. hostmaster.example.net. 1 7200 3600 1209600 300\n"
          "example.net. 3600 NS ns1.example.org.\n"
          "_sip._tcp.pool.example.net. 3600 SRV 10 100 5060 sip1.example.net. ;g\n"
          "sip1.example.net. 3600 A 192.0.2.1 ;g\n"
          "_sip._udp.pool2.example.net. 3600 SRV 10 100 5060 sip1.example.net. ;g\n"
          "_sip._tcp.pool2.example.net. 3600 SRV 10 100 5060 sip1.example.net. ;g\n"
          "example.net. 3600 NAPTR 50 10 \"s\" \"SIP+D2T\" \"\" _sip._tcp.pool.example.net. ;g\n");
}

TEST_CASE("YAML syntax and schema errors point at file:line:column", "[yaml][errors]") {
    check_cases({
        {"numbers: [a, b\n", "t.yaml:5:1: error: ", "YAML syntax error"},
        {"numbrs: []\n", "t.yaml:4:1: error: ", "unknown key 'numbrs' in the zone file; known keys: origin, ttl"},
        {"ttl: abc\n", "t.yaml:4:6: error: ", "ttl must be an integer from 0 to 2147483647, not 'abc'"},
        {"ttl: 2147483648\n", "t.yaml:4:6: error: ", "ttl 2147483648 is out of range (RFC 2181 §8)"},
        {"numbers: {a: 1}\n", "t.yaml:4:10: error: ", "numbers must be a list, not a mapping"},
        {"numbers:\n  - {number: \"+61355500911\", naptr: sip:a@b.example, colour: red}\n",
         "t.yaml:5:54: error: ", "unknown key 'colour' in a number entry; known keys: number, naptr, route, rn, ttl"},
        {"numbers:\n  - {number: [1], naptr: sip:a@b.example}\n",
         "t.yaml:5:14: error: ", "number must be text, not a list"},
        {"numbers:\n  - {number: \"+61355500911\"}\n", "t.yaml:5:5: error: ", "number +61355500911 has no 'naptr'"},
        {"records:\n  - {name: www, type: A, data: 192.0.2.1, data: 192.0.2.2}\n",
         "t.yaml:5:43: error: ", "key 'data' appears twice in a record"},
        {"soa: {mname: x}\n", "t.yaml:4:1: error: ", "key 'soa' appears twice in the zone file"},
    });
}

TEST_CASE("A zone file needs origin, soa and ns", "[yaml][errors]") {
    Loaded a = load_text("soa: {mname: a., rname: b.}\nns: [a.]\n");
    CHECK(a.has("t.yaml:1:1: error: ", "the zone file has no 'origin'"));
    CHECK_FALSE(a.zone.has_value());
    Loaded b = load_text("origin: example.net.\n");
    CHECK(b.has("t.yaml:1:1: error: ", "the zone file has no 'soa' block"));
    CHECK(b.has("t.yaml:1:1: error: ", "the zone file has no 'ns' list"));
    CHECK(b.has("t.yaml:1:9: error: ", "zone example.net. has no SOA record"));
    Loaded c = load_text("origin: example.net.\nsoa: {rname: b., serial: -1}\nns: [a.]\n");
    CHECK(c.has("t.yaml:2:6: error: ", "soa needs 'mname'"));
    CHECK(c.has("t.yaml:2:26: error: ", "soa serial must be an integer from 0 to 4294967295, not '-1'"));
    Loaded d = load_text("");
    CHECK(d.has("t.yaml:1:1: error: ", "the zone file is empty"));
}

TEST_CASE("Numbers with letters, too many digits, outside the zone or twice are errors", "[yaml][errors]") {
    check_cases({
        {"numbers:\n  - {number: \"+61 3 5550 09A1\", naptr: sip:a@b.example}\n",
         "t.yaml:5:28: error: ", "letter 'A' in number '+61 3 5550 09A1'"},
        {"numbers:\n  - {number: +1234567890123456, naptr: sip:a@b.example}\n",
         "t.yaml:5:30: error: ", "has more than 15 digits"},
        {"numbers:\n  - {number: \"+61 3 5550 0911\", naptr: sip:a@b.example}\n"
         "  - {number: \"+61355500911\", naptr: sip:c@d.example}\n",
         "t.yaml:6:14: error: ", "number +61355500911 is defined twice (first at t.yaml:5:14)"},
    });
    check_cases(
        {{"numbers:\n  - {number: \"+44 20 7946 0000\", naptr: sip:a@b.example}\n",
          "t.yaml:5:14: error: ", "number +442079460000 is outside zone 1.6.e164.arpa. (its numbers start with +61)"}},
        "origin: 1.6.e164.arpa.\nsoa: {mname: ns1.example.net., rname: h.example.net.}\nns: [ns1.example.net.]\n");
}

TEST_CASE("Names longer than 63/255 octets or with odd characters are errors", "[yaml][errors]") {
    std::string label64(64, 'a');
    std::string long_name;
    for (int i = 0; i < 5; ++i) long_name += std::string(60, 'b') + ".";
    check_cases({
        {"records:\n  - {name: " + label64 + ", type: A, data: 192.0.2.1}\n",
         "t.yaml:5:12: error: ", "label longer than 63 octets"},
        {"records:\n  - {name: " + long_name + ", type: A, data: 192.0.2.1}\n",
         "t.yaml:5:12: error: ", "longer than 255 octets"},
        {"records:\n  - {name: \"foo bar\", type: A, data: 192.0.2.1}\n",
         "t.yaml:5:12: error: ", "record name 'foo bar' contains ' ': labels are letters, digits, '-' and '_'"},
    });
    check_cases({{"ns: [\"ns 1.example.net.\"]\n", "t.yaml:3:6: error: ", "ns 'ns 1.example.net.' contains ' '"},
                 {"ns: [\"a.*.example.net.\"]\n", "t.yaml:3:6: error: ",
                  "ns 'a.*.example.net.': '*' is only allowed in the name of a record"}},
                "origin: e164.arpa.\nsoa: {mname: ns1.example.net., rname: hostmaster.example.net.}\n");
}

TEST_CASE("Generic records must have a known type and data ldns can parse", "[yaml][errors]") {
    check_cases({
        {"records:\n  - {name: www, type: A, data: 300.1.1.1}\n",
         "t.yaml:5:32: error: ", "cannot parse A data '300.1.1.1'"},
        {"records:\n  - {name: www, type: FOO, data: x}\n", "t.yaml:5:23: error: ", "unknown record type 'FOO'"},
        {"records:\n  - {name: www, type: AXFR, data: x}\n", "t.yaml:5:23: error: ", "meta type"},
        {"records:\n  - {name: www, type: SOA, data: x}\n", "t.yaml:5:23: error: ", "write the SOA in the 'soa' block"},
        {"records:\n  - {name: www, type: A}\n", "t.yaml:5:5: error: ", "record without 'data'"},
    });
}

TEST_CASE("NAPTR entries are checked where they are written", "[yaml][errors][naptr]") {
    const std::string n = "numbers:\n  - number: \"+61355500911\"\n    naptr:\n      - ";  // entries on line 7, col 9
    check_cases({
        {n + "{uri: \"sip:a@b.example\", regexp: \"!^.*$!sip:a@b!\"}\n",
         "t.yaml:7:42: error: ", "either 'uri' or 'regexp', not both"},
        {n + "gopher://example.net/\n",
         "t.yaml:7:9: error: ", "no enumservice is known for the scheme of 'gopher://example.net/'"},
        {n + "server1.example.net\n", "t.yaml:7:9: error: ", "is not a URI"},
        {n + "{order: 10}\n", "t.yaml:7:9: error: ", "a naptr entry needs 'uri'"},
        {n + "{uri: \"sip:a@b.example\", order: 70000}\n",
         "t.yaml:7:41: error: ", "order 70000 is out of range: it must be an integer from 0 to 65535"},
        {n + "{service: E2U+sip, regexp: \"1^.*$1sip:a@b1\"}\n", "t.yaml:7:9: error: ",
         "regexp delimiter '1' is not allowed: it may not be a digit, the flag 'i' or '\\' (RFC 3402 §3.2)"},
        {n + "{service: E2U+sip, regexp: \"!^.*$!sip:a@b\"}\n",
         "t.yaml:7:9: error: ", "regexp delimiter '!' not closed"},
        {n + "{service: E2U+sip, regexp: \"!^.*$!sip:a@b!g\"}\n",
         "t.yaml:7:9: error: ", "regexp flag 'g' is not allowed: the only flag is 'i'"},
        {n + "{service: E2U+sip, regexp: \"!^.*$!sip:\\\\1@b!\"}\n",
         "t.yaml:7:9: error: ", "back-reference \\1 refers to group 1 but the pattern '^.*$' has 0 groups"},
        {n + "{service: E2U+sip, regexp: \"!^(.*$!sip:a@b!\"}\n",
         "t.yaml:7:9: error: ", "does not compile: missing closing parenthesis"},
        {n + "{service: E2U+sip, regexp: \"!^.*$!sip:a@b!\", replacement: x.example.}\n",
         "t.yaml:7:9: error: ", "NAPTR has both a regexp and a replacement (x.example.)"},
        {n + "{service: E2U+sip, flags: x, regexp: \"!^.*$!sip:a@b!\"}\n",
         "t.yaml:7:9: error: ", "NAPTR flag 'x' is unknown"},
        {n + "{service: \"E2U+sip:\", regexp: \"!^.*$!sip:a@b!\"}\n",
         "t.yaml:7:9: error: ", "NAPTR service 'E2U+sip:' has an empty enumservice subtype"},
        {n + "{uri: \"sip:a@b.example\", service: \"E2U+s p\"}\n",
         "t.yaml:7:9: error: ", "character ' ' is not allowed in an enumservice"},
    });
}

TEST_CASE("PLMN and SIP blocks report bad codes, clashes and missing pools", "[yaml][errors][3gpp]") {
    const std::string h =
        "origin: 3gppnetwork.org.\nsoa: {mname: ns1.example.net., rname: h.example.net.}\nns: [ns1.example.net.]\n";
    check_cases(
        {
            {"plmns:\n  - {mcc: \"50\", mnc: \"01\", epdg: 192.0.2.1}\n",
             "t.yaml:5:11: error: ", "MCC '50' must be exactly 3 digits"},
            {"plmns:\n  - {mcc: \"505\", mnc: \"1\", epdg: 192.0.2.1}\n",
             "t.yaml:5:23: error: ", "MNC '1' must be 2 or 3 digits"},
            {"plmns:\n  - {mcc: \"505\", mnc: \"01\", epdg: 192.0.2.1}\n  - {mcc: \"505\", mnc: \"001\", epdg: "
             "192.0.2.2}\n",
             "t.yaml:6:23: error: ",
             "PLMN 505-001 is spelled mnc001.mcc505 in names, like PLMN 505-01 at t.yaml:5:23 (\"01\" and \"001\" are "
             "different MNCs but both pad to mnc001)"},
            {"plmns:\n  - {mcc: \"505\", mnc: \"01\", epdg: 192.0.2.300}\n",
             "t.yaml:5:35: error: ", "'192.0.2.300' is not an IPv4 or IPv6 address"},
            {"plmns:\n  - {mcc: \"505\", mnc: \"01\", ims: {sip_domain: scscf}}\n",
             "t.yaml:5:47: error: ", "sip_domain 'scscf' has no pool in this ims block"},
            {"sip_domains:\n  - {domain: sip, pool: nowhere}\n",
             "t.yaml:5:25: error: ", "pool nowhere.3gppnetwork.org. is not defined"},
            {"sip_pools:\n  - {name: p, transports: [udp, sctp], members: [{host: a}]}\n",
             "t.yaml:5:33: error: ", "transport 'sctp' is not one of udp, tcp, tls"},
            {"sip_pools:\n  - {name: p, members: []}\n",
             "t.yaml:5:5: error: ", "pool p.3gppnetwork.org. has no members"},
        },
        h);
    // Names a PLMN block generates must be inside the zone.
    check_cases({{"plmns:\n  - {mcc: \"505\", mnc: \"01\", epdg: 192.0.2.1, ims: {scscf: {members: [{host: s.x.}]}}}\n",
                  "t.yaml:5:",
                  "owner _sip._udp.scscf.ims.mnc001.mcc505.3gppnetwork.org. is outside the zone pub.3gppnetwork.org."}},
                "origin: pub.3gppnetwork.org.\nsoa: {mname: ns1.example.net., rname: h.example.net.}\nns: "
                "[ns1.example.net.]\n");
}

TEST_CASE("Includes: relative paths, loops, missing files and top-level keys", "[yaml][includes]") {
    TempDir dir("enumd-yaml-test");
    std::string top = dir.write("zone.yaml", kHeader + "include: [part/a.yaml]\n");
    dir.write("part/a.yaml", "numbers:\n  - {number: \"+61355500911\", naptr: sip:a@b.example}\ninclude: b.yaml\n");
    dir.write("part/b.yaml", "records:\n  - {name: www, type: A, data: 192.0.2.1}\n");
    Diagnostics d;
    auto z = load_yaml_zone(top, d);
    REQUIRE(z.has_value());
    INFO((d.items.empty() ? std::string() : d.items[0].to_text()));
    CHECK(d.items.empty());
    CHECK(z->records.size() == 4);  // SOA, NS, NAPTR, A
    bool found = false;
    for (const auto& r : z->records) {
        if (r.type == RrType::A) {
            CHECK(r.loc.to_text() == (dir.path / "part/b.yaml").string() + ":2:32");
            found = true;
        }
    }
    CHECK(found);

    std::string looped = dir.write("loop.yaml", kHeader + "include: loop2.yaml\n");
    dir.write("loop2.yaml", "include: [loop.yaml]\n");
    Diagnostics dl;
    (void)load_yaml_zone(looped, dl);
    REQUIRE(dl.items.size() == 1);
    CHECK(dl.items[0].to_text().rfind(
              (dir.path / "loop2.yaml").string() + ":1:11: error: include loop: 'loop.yaml' is already being read",
              0) == 0);

    std::string missing = dir.write("missing.yaml", kHeader + "include: nothere.yaml\n");
    Diagnostics dm;
    (void)load_yaml_zone(missing, dm);
    REQUIRE(dm.items.size() == 1);
    CHECK(dm.items[0].to_text() ==
          missing + ":4:10: error: cannot read '" + (dir.path / "nothere.yaml").string() + "'");

    std::string fragment = dir.write("frag.yaml", kHeader + "include: f2.yaml\n");
    dir.write("f2.yaml", "origin: example.net.\nfoo: 1\n");
    Diagnostics df;
    (void)load_yaml_zone(fragment, df);
    std::string f2 = (dir.path / "f2.yaml").string();
    bool origin_error = false;
    bool foo_error = false;
    for (const auto& i : df.items) {
        origin_error |=
            i.to_text() ==
            f2 + ":1:1: error: 'origin' may only appear in the top-level zone file, not in an included file";
        foo_error |= i.to_text().rfind(f2 + ":2:1: error: unknown key 'foo' in an included file", 0) == 0;
    }
    CHECK(origin_error);
    CHECK(foo_error);
}

namespace {

// What a file outside the zone's directory holds; no diagnostic may show it.
const std::string kSecret = "SECRET-0xC0FFEE";

struct IncludeCase {
    std::string what;
    std::string include;  // as written in zone.yaml
    std::string part;     // in the one error, at zone.yaml:4:10
};

/// Loads <dir>/zone/zone.yaml = header + "include: <include>"; the include
/// must be refused with `part`, nothing of kSecret shown, no record added.
void check_refused(const TempDir& dir, const IncludeCase& c, const YamlLoadOptions& options = {}) {
    std::string top = dir.write("zone/zone.yaml", kHeader + "include: " + c.include + "\n");
    Diagnostics d;
    auto z = load_yaml_zone(top, d, options);
    std::string all = all_diags(d);
    INFO(c.what << "\n" << all);
    REQUIRE(z.has_value());
    CHECK(z->records.size() == 2);  // SOA and NS only
    REQUIRE(d.items.size() == 1);
    CHECK(d.items[0].to_text().rfind(top + ":4:10: error: ", 0) == 0);
    CHECK(d.items[0].message.find(c.part) != std::string::npos);
    CHECK(all.find(kSecret) == std::string::npos);
    CHECK(all.find("root:x:0:0") == std::string::npos);
}

}  // namespace

TEST_CASE("An include that leads out of the zone's directory is refused before it is read", "[yaml][includes]") {
    TempDir dir("enumd-yaml-test");
    // A valid fragment one level up: were it read, its number would load.
    dir.write("secret.yaml", "numbers:\n  - {number: '+61355500911', naptr: 'sip:" + kSecret + "@x.example'}\n");
    std::filesystem::create_directories(dir.path / "zone");
    std::filesystem::create_symlink(dir.path / "secret.yaml", dir.path / "zone/link.yaml");
    std::filesystem::create_directory_symlink(dir.path, dir.path / "zone/up");
    std::filesystem::create_symlink("/dev/zero", dir.path / "zone/zero.yaml");
    const std::vector<IncludeCase> cases = {
        {"an absolute path", "/etc/passwd", "is outside"},
        {"../ out of the directory", "../secret.yaml", "is outside"},
        {"../ through a subdirectory", "sub/../../secret.yaml", "is outside"},
        {"the absolute path of the same file", (dir.path / "secret.yaml").string(), "is outside"},
        {"a symlink to a file outside", "link.yaml", "is outside"},
        {"a symlinked directory that leads out", "up/secret.yaml", "is outside"},
        {"a device", "/dev/zero", "is outside"},
        {"a symlink to a device", "zero.yaml", "is outside"},
        // Outside and missing reads as outside: includes cannot probe for files.
        {"a missing file outside", "../nothere.yaml", "is outside"},
    };
    for (const auto& c : cases) check_refused(dir, c);
}

TEST_CASE("Only regular files of bounded size are included", "[yaml][includes]") {
    TempDir dir("enumd-yaml-test");
    YamlLoadOptions everywhere;
    everywhere.include_root = "/";
    // With the whole file system as root, the other rules still hold.
    check_refused(dir, {"a device", "/dev/zero", "is not a regular file"}, everywhere);
    std::filesystem::create_directories(dir.path / "zone");
    REQUIRE(::mkfifo((dir.path / "zone/fifo.yaml").c_str(), 0600) == 0);
    check_refused(dir, {"a FIFO (opening it must not wait for a writer)", "fifo.yaml", "is not a regular file"});
    check_refused(dir, {"a directory", "'.'", "is a directory"});

    // The default bound is checked from the size, before reading: a sparse file.
    std::string big = dir.write("zone/big.yaml", "");
    std::filesystem::resize_file(big, kMaxIncludeBytes + 1);
    check_refused(dir, {"one byte over the default bound", "big.yaml", "is larger than the 67108864 bytes"});

    // At the bound it loads, one byte over it does not.
    YamlLoadOptions small;
    small.max_include_bytes = 100;
    std::string fragment = "records:\n  - {name: www, type: A, data: 192.0.2.1}\n";
    fragment += "#" + std::string(100 - fragment.size() - 2, 'x') + "\n";
    REQUIRE(fragment.size() == 100);
    dir.write("zone/fits.yaml", fragment);
    dir.write("zone/over.yaml", fragment + "\n");
    check_refused(dir, {"one byte over a configured bound", "over.yaml", "is larger than the 100 bytes"}, small);
    std::string top = dir.write("zone/zone.yaml", kHeader + "include: fits.yaml\n");
    Diagnostics d;
    auto z = load_yaml_zone(top, d, small);
    REQUIRE(z.has_value());
    CHECK(d.items.empty());
    CHECK(z->records.size() == 3);
}

TEST_CASE("A diagnostic never quotes an included file that is not a mapping of zone entries", "[yaml][includes]") {
    struct Case {
        std::string what;
        std::string text;
        std::string part;  // of the one error
    };
    const std::vector<Case> cases = {
        {"a password file (one plain scalar)",
         "root:x:0:0:" + kSecret + ":/root:/bin/bash\ndaemon:x:1:1::/usr/sbin:/usr/sbin/nologin\n",
         "an included file must be a mapping of include, numbers, records, plmns, sip_pools, sip_domains, "
         "numbers_csv, not text"},
        {"broken YAML", kSecret + ": [unclosed\n", "YAML syntax error"},
        {"broken YAML after a first document", kSecret + "\n...\n]{\n", "YAML syntax error"},
        {"a list", "- " + kSecret + "\n- x\n", "must be a mapping of include, numbers, records, plmns, sip_pools, "
                                              "sip_domains, numbers_csv, not a list"},
        {"a quoted scalar", "\"" + kSecret + "\"\n", "not text"},
    };
    for (const auto& c : cases) {
        TempDir dir("enumd-yaml-test");
        std::string top = dir.write("zone.yaml", kHeader + "include: part.yaml\n");
        std::string part = dir.write("part.yaml", c.text);
        Diagnostics d;
        auto z = load_yaml_zone(top, d);
        std::string all = all_diags(d);
        INFO(c.what << "\n" << all);
        REQUIRE(z.has_value());
        REQUIRE(d.items.size() == 1);
        CHECK(d.items[0].loc.file == part);
        CHECK(d.items[0].message.find(c.part) != std::string::npos);
        CHECK(all.find(kSecret) == std::string::npos);
        CHECK(all.find("root:x") == std::string::npos);
    }
}

TEST_CASE("An include root option widens where includes may come from; a file is included once", "[yaml][includes]") {
    TempDir dir("enumd-yaml-test");
    dir.write("shared/www.yaml", "records:\n  - {name: www, type: A, data: 192.0.2.1}\n");
    std::string top = dir.write("zone/zone.yaml", kHeader + "include: [../shared/www.yaml]\n");
    {
        Diagnostics d;
        (void)load_yaml_zone(top, d);
        REQUIRE(d.items.size() == 1);
        CHECK(d.items[0].message.find("is outside") != std::string::npos);
    }
    YamlLoadOptions opts;
    opts.include_root = dir.path.string();
    {
        Diagnostics d;
        auto z = load_yaml_zone(top, d, opts);
        REQUIRE(z.has_value());
        CHECK(d.items.empty());
        CHECK(z->records.size() == 3);
    }
    // The same file twice (here through two spellings) is an error, not a second copy.
    std::string twice = dir.write("zone/twice.yaml", kHeader + "include: [../shared/www.yaml, ../shared/./www.yaml]\n");
    Diagnostics d;
    auto z = load_yaml_zone(twice, d, opts);
    REQUIRE(z.has_value());
    REQUIRE(d.items.size() == 1);
    CHECK(d.items[0].to_text().rfind(twice + ":4:31: error: '../shared/./www.yaml' is already included", 0) == 0);
    CHECK(z->records.size() == 3);
}

TEST_CASE("With follow_includes off no include is read", "[yaml][includes]") {
    TempDir dir("enumd-yaml-test");
    dir.write("part.yaml", "records:\n  - {name: www, type: A, data: 192.0.2.1}\n");
    std::string top = dir.write("zone.yaml", kHeader + "include: part.yaml\n");
    YamlLoadOptions off;
    off.follow_includes = false;
    Diagnostics d;
    auto z = load_yaml_zone(top, d, off);
    REQUIRE(z.has_value());
    REQUIRE(d.items.size() == 1);
    CHECK(d.items[0].to_text() == top + ":4:10: error: include 'part.yaml': includes are not read here");
    CHECK(z->records.size() == 2);
}

TEST_CASE("A NUL byte in any text is an error at its line and column, not cut-short data", "[yaml][errors]") {
    const std::string nul(1, '\0');
    check_cases({
        // A "\0" escape in record data (ldns would stop reading at it).
        {"records:\n  - {name: www, type: TXT, data: \"\\\"abc\\0def\\\"\"}\n", "t.yaml:5:34: error: ",
         "text with a NUL byte (\\0)"},
        {"numbers:\n  - {number: \"+61355500911\", naptr: \"sip:a@b.example\\0evil\"}\n", "t.yaml:5:37: error: ",
         "NUL byte"},
        {"records:\n  - {name: \"w\\0ww\", type: A, data: 192.0.2.1}\n", "t.yaml:5:12: error: ", "NUL byte"},
        // A raw 0x00 byte in a quoted scalar.
        {"records:\n  - {name: www, type: TXT, data: '\"abc" + nul + "def\"'}\n", "t.yaml:5:", "NUL byte"},
    });
}

TEST_CASE("load_zone_files picks the reader by extension and refuses an origin twice", "[yaml]") {
    TempDir dir("enumd-yaml-test");
    std::string a = dir.write("a.yaml", kHeader);
    std::string b = dir.write("b.yml", kHeader);
    std::string c = dir.write("c.zone",
                              "$ORIGIN example.net.\n$TTL 300\n@ SOA ns1 host 1 2 3 4 5\n@ NS ns1.example.org.\n"
                              "www CNAME host\nwww A 192.0.2.1\n");
    Diagnostics d;
    auto zones = load_zone_files({a, b, c}, d);
    CHECK(zones.size() == 3);
    bool twice = false;
    bool cname = false;
    for (const auto& i : d.items) {
        twice |= i.to_text() == b + ":1:9: error: zone e164.arpa. is also defined at " + a + ":1:9";
        cname |= i.to_text().find("CNAME at www.example.net. beside other data") != std::string::npos;
    }
    CHECK(twice);
    CHECK(cname);  // validation runs on RFC 1035 input too
    CHECK(is_yaml_path("x.yaml"));
    CHECK(is_yaml_path("x.yml"));
    CHECK_FALSE(is_yaml_path("x.zone"));
}

TEST_CASE("Mutated zone files never crash the loader: every problem is a diagnostic", "[yaml][robustness]") {
    std::ifstream in(std::string(ENUMD_SOURCE_DIR) + "/zones/examples/lab.yaml");
    std::string lab((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    REQUIRE(lab.size() > 1000);
    // Without its include (text input resolves includes against the working directory).
    auto inc = lab.find("include:");
    REQUIRE(inc != std::string::npos);
    lab.erase(inc, lab.find("\n\n", inc) - inc);
    {
        Diagnostics clean;
        auto z = load_yaml_zone_text(lab, "m.yaml", clean);
        REQUIRE(z.has_value());
        validate_zone(*z, clean);
        REQUIRE_FALSE(clean.has_errors());
    }
    // Bytes that matter to YAML and to our fields.
    const std::string alphabet = ":-[]{},'\"*&!|>#\n\t +01A\\";
    std::uint32_t state = 20261123;
    auto next = [&]() {
        state = state * 1664525U + 1013904223U;  // deterministic LCG: the same cases every run
        return state >> 8;
    };
    int with_errors = 0;
    for (int i = 0; i < 1500; ++i) {
        std::string text = lab;
        int edits = 1 + static_cast<int>(next() % 4);
        for (int e = 0; e < edits; ++e) {
            std::size_t pos = next() % text.size();
            switch (next() % 3) {
                case 0:
                    text[pos] = alphabet[next() % alphabet.size()];
                    break;
                case 1:
                    text.erase(pos, 1 + next() % 8);
                    break;
                default:
                    text.insert(pos, 1, alphabet[next() % alphabet.size()]);
                    break;
            }
        }
        Diagnostics d;
        std::optional<Zone> z;
        REQUIRE_NOTHROW(z = load_yaml_zone_text(text, "m.yaml", d));
        if (z) REQUIRE_NOTHROW(validate_zone(*z, d));
        for (const auto& item : d.items) REQUIRE(item.loc.file == "m.yaml");
        with_errors += d.has_errors() ? 1 : 0;
    }
    CHECK(with_errors > 300);  // the mutations do break things, and they are reported
}

TEST_CASE("YAML anchors, aliases and the {digits} placeholder work in numbers", "[yaml]") {
    Loaded l = load_text(
        kHeader +
        "numbers:\n"
        "  - {number: '+61355500911', naptr: &pool ['sip:1@a.example', {uri: 'sip:{digits}@b.example', order: 20}]}\n"
        "  - {number: '+61355500912', naptr: *pool}\n");
    INFO(l.all());
    REQUIRE(l.zone.has_value());
    CHECK(l.diags.items.empty());
    CHECK(
        lines_of(*l.zone) ==
        "e164.arpa. 3600 SOA ns1.example.net. hostmaster.example.net. 1 7200 3600 1209600 300\n"
        "e164.arpa. 3600 NS ns1.example.net.\n"
        "1.1.9.0.0.5.5.5.3.1.6.e164.arpa. 3600 NAPTR 10 100 \"u\" \"E2U+sip\" \"!^.*$!sip:1@a.example!\" .\n"
        "1.1.9.0.0.5.5.5.3.1.6.e164.arpa. 3600 NAPTR 20 100 \"u\" \"E2U+sip\" \"!^\\\\+(.*)$!sip:\\\\1@b.example!\" .\n"
        "2.1.9.0.0.5.5.5.3.1.6.e164.arpa. 3600 NAPTR 10 100 \"u\" \"E2U+sip\" \"!^.*$!sip:1@a.example!\" .\n"
        "2.1.9.0.0.5.5.5.3.1.6.e164.arpa. 3600 NAPTR 20 100 \"u\" \"E2U+sip\" \"!^\\\\+(.*)$!sip:\\\\1@b.example!\" "
        ".\n");
}

TEST_CASE("soa min_serial: the serial an auto-serial zone starts from, refused beside an explicit serial",
          "[yaml][serial]") {
    // zones/README.md "Serial guard": what `enumctl import` writes so a migrated zone keeps its serial.
    struct Case {
        const char* soa;
        bool ok;
        bool auto_serial;
        std::uint32_t serial;
        const char* error;
    };
    const Case cases[] = {
        {"{mname: ns1.example.net., rname: h.example.net., serial: auto, min_serial: 2026120201}", true, true,
         2026120201, nullptr},
        {"{mname: ns1.example.net., rname: h.example.net., min_serial: 7}", true, true, 7, nullptr},
        {"{mname: ns1.example.net., rname: h.example.net., serial: auto}", true, true, 1, nullptr},
        {"{mname: ns1.example.net., rname: h.example.net., serial: 5, min_serial: 7}", false, false, 0,
         "t.yaml:2:78: error: soa min_serial goes with 'serial: auto'"},
        {"{mname: ns1.example.net., rname: h.example.net., min_serial: -1}", false, true, 0, "soa min_serial"},
    };
    for (const Case& c : cases) {
        Loaded l = load_text(std::string("origin: e164.arpa.\nsoa: ") + c.soa + "\nns: [ns1.example.net.]\n");
        INFO(c.soa << "\n" << l.all());
        CHECK(l.diags.has_errors() == !c.ok);
        if (!c.ok) {
            CHECK(l.all().find(c.error) != std::string::npos);
            continue;
        }
        REQUIRE(l.zone);
        CHECK(l.zone->auto_serial == c.auto_serial);
        std::optional<std::uint32_t> serial;
        for (const auto& r : l.zone->records)
            if (r.type == RrType::SOA) serial = parse_soa(r.rdata)->serial;
        CHECK(serial == c.serial);
    }
}

TEST_CASE("YAML syntax errors explain a tab in the indentation and a misindented key", "[yaml][errors]") {
    // Issue 13: instead of the parser's "end of map not found" / "illegal map value".
    const std::string head = "origin: e164.arpa.\nns: [ns1.example.net.]\n";
    check_cases({
        {"soa:\n\tmname: ns1.example.net.\n", "t.yaml:5:1: error: ",
         "YAML syntax error: tab character in indentation (YAML allows only spaces)"},
        {"numbers:\n  - number: \"+61355500911\"\n  \tnaptr: sip:a@b.example\n", "t.yaml:6:3: error: ",
         "tab character in indentation (YAML allows only spaces)"},
        {"soa:\n  mname: ns1.example.net.\n   rname: hostmaster.example.net.\n", "t.yaml:6:4: error: ",
         "YAML syntax error: misindented key 'rname': it starts in column 4, but the keys of the mapping above start "
         "in column 3 (line 5) and the level around it in column 1"},
        {"soa:\n    mname: ns1.example.net.\n  rname: hostmaster.example.net.\n", "t.yaml:6:3: error: ",
         "misindented key 'rname': it starts in column 3, but the keys of the mapping above start in column 5 (line 5)"},
        {"numbers:\n  - number: \"+61355500911\"\n    naptr: sip:a@b.example\n   ttl: 60\n", "t.yaml:7:4: error: ",
         "misindented key 'ttl': it starts in column 4, but the keys of the mapping above start in column 5 (line 5) "
         "and the levels around it in columns 3, 1"},
        // Not a layout problem: the parser's own words.
        {"numbers: [a, b\n", "t.yaml:5:1: error: ", "YAML syntax error"},
    }, head + "ttl: 60\n");
}

TEST_CASE("URIs of NAPTR shorthands are checked, at the character that is wrong", "[yaml][errors][uri]") {
    // Issue 13; numbering::check_uri_syntax (RFC 3986 §2, §3.1).
    check_cases({
        {"numbers:\n  - {number: \"+61355500911\", naptr: \"sip:a b@x\"}\n", "t.yaml:5:43: error: ",
         "URI 'sip:a b@x' has a space"},
        {"numbers:\n  - {number: \"+61355500911\", naptr: \"sip:\"}\n", "t.yaml:5:42: error: ",
         "URI 'sip:' has nothing after 'sip:'"},
        {"numbers:\n  - {number: \"+61355500911\", naptr: \"sip:a@x \"}\n", "t.yaml:5:45: error: ",
         "URI 'sip:a@x ' ends in a space"},
        {"numbers:\n  - {number: \"+61355500911\", naptr: {uri: \"sip:a\\tb@x\", order: 10}}\n",
         "t.yaml:5:49: error: ", "control character (0x09)"},
        {"numbers:\n  - {number: \"+61355500911\", naptr: \"sip:a<b@x\"}\n", "t.yaml:5:43: error: ",
         "character '<' is not allowed in a URI"},
        {"routes:\n  r: {uri: \"sip:{number} @x\"}\nnumbers:\n  - {number: \"+61355500911\", route: r}\n",
         "t.yaml:5:", "has a space"},
    });
    // Placeholders are fine.
    Loaded ok = load_text(kHeader + "numbers:\n  - {number: \"+61255502*\", naptr: \"sip:{number}@x.example\"}\n");
    INFO(ok.all());
    CHECK_FALSE(ok.diags.has_errors());
}

TEST_CASE("a '*' that is not the leftmost label is an ordinary label of a record name (RFC 4592 2.2.1)",
          "[yaml][wildcard]") {
    // Issue 13: `enumctl import` refused the RFC 4592 example zone because YAML could not hold sub.*.example.
    Loaded l = load_text("origin: example.\nsoa: {mname: ns.example.com., rname: hostmaster.example.com.}\n"
                         "ns: [ns.example.com.]\nrecords:\n"
                         "  - {name: \"*\", type: TXT, data: '\"this is a wildcard\"'}\n"
                         "  - {name: \"sub.*\", type: TXT, data: '\"this is not a wildcard\"'}\n"
                         "  - {name: \"a.*.b.*.example.\", type: A, data: 192.0.2.1}\n");
    INFO(l.all());
    REQUIRE_FALSE(l.diags.has_errors());
    REQUIRE(l.zone);
    std::size_t wildcards = 0, ordinary = 0;
    for (const auto& r : l.zone->records) {
        if (r.type == RrType::SOA || r.type == RrType::NS) continue;
        (r.owner.is_wildcard() ? wildcards : ordinary) += 1;
    }
    CHECK(wildcards == 1);
    CHECK(ordinary == 2);
}
