#include <arpa/inet.h>
#include <netinet/in.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "enumd/server/acl.hpp"
#include "enumd/server/config.hpp"
#include "peer_address.hpp"

using namespace enumd;
using namespace enumd::server;

namespace {

bool allows(const Acl& acl, const std::string& peer) {
    auto ss = enumd::testing::peer_address(peer);
    return acl.allows(reinterpret_cast<const sockaddr*>(&ss));
}

Acl list(const std::vector<std::string>& entries) {
    Acl acl;
    for (const auto& e : entries) acl.add(*Acl::parse_entry(e));
    return acl;
}

/// A configuration file with `text`, parsed as `enumd --config FILE`.
struct ConfigFile {
    explicit ConfigFile(const std::string& text) {
        path = (std::filesystem::temp_directory_path() / ("enumd-acl-test-" + std::to_string(::getpid()) + ".yaml"))
                   .string();
        std::ofstream(path) << text;
    }
    ~ConfigFile() { std::filesystem::remove(path); }
    Config parse() const {
        Config cfg;
        REQUIRE(parse_command_line({"--config", path}, cfg) == CommandLine::Run);
        return cfg;
    }
    std::string path;
};

}  // namespace

TEST_CASE("an address list allows exactly its addresses; an empty list allows nobody", "[acl]") {
    struct Case {
        std::vector<std::string> entries;
        std::string peer;
        bool allowed;
    };
    const std::vector<Case> cases = {
        {{}, "127.0.0.1", false},
        {{}, "192.0.2.1", false},
        {{}, "::1", false},
        {{"127.0.0.0/8"}, "127.0.0.53", true},
        {{"127.0.0.0/8"}, "128.0.0.1", false},
        {{"127.0.0.0/8"}, "::ffff:127.0.0.1", true},  // IPv4-mapped matches the IPv4 entry
        {{"::1"}, "::1", true},
        {{"::1"}, "127.0.0.1", false},
        {{"2001:db8::/32"}, "2001:db8:1::5", true},
        {{"2001:db8::/32"}, "2001:db9::5", false},
        {{"192.0.2.0/25"}, "192.0.2.127", true},
        {{"192.0.2.0/25"}, "192.0.2.128", false},
        {{"0.0.0.0/0"}, "203.0.113.9", true},
    };
    for (const auto& c : cases) {
        INFO("entries " << c.entries.size() << (c.entries.empty() ? "" : " first " + c.entries[0]) << ", peer "
                        << c.peer);
        CHECK(allows(list(c.entries), c.peer) == c.allowed);
    }
}

TEST_CASE("only Acl::everyone() allows every address", "[acl]") {
    CHECK(allows(Acl::everyone(), "192.0.2.1"));
    CHECK(allows(Acl::everyone(), "2001:db8::1"));
    CHECK_FALSE(allows(Acl{}, "192.0.2.1"));
}

TEST_CASE("every access list of the configuration fails closed when given empty", "[acl][config]") {
    struct Case {
        const char* yaml;
        const char* what;
        bool (*allows_loopback)(const Config&);
    };
    auto query = [](const Config& c) { return allows(c.server.query_acl, "127.0.0.1"); };
    auto recursion = [](const Config& c) { return allows(c.server.recursion.allow, "127.0.0.1"); };
    auto transfer = [](const Config& c) {
        const auto& pol = c.xfr.policy(*dns::Name::from_text("e164.arpa."), "");
        return pol.allow_set && allows(pol.allow, "127.0.0.1");
    };
    const std::vector<Case> cases = {
        {"zones: [{file: lab.zone, origin: e164.arpa., transfer: {allow: []}}]\n", "transfer allow: []", transfer},
        {"acl: {query: []}\n", "acl query: []", query},
        {"recursion: {allow: [], forwarders: [\"127.0.0.1:5399\"]}\n", "recursion allow: []", recursion},
    };
    for (const auto& c : cases) {
        INFO(c.what);
        CHECK_FALSE(c.allows_loopback(ConfigFile(c.yaml).parse()));
    }
}

TEST_CASE("access lists not given keep their documented defaults", "[acl][config]") {
    Config cfg = ConfigFile("recursion: {forwarders: [\"127.0.0.1:5399\"]}\n").parse();
    CHECK(allows(cfg.server.query_acl, "192.0.2.1"));        // an authoritative server answers everyone
    CHECK(allows(cfg.server.recursion.allow, "127.0.0.1"));  // recursion: loopback only
    CHECK(allows(cfg.server.recursion.allow, "::1"));
    CHECK_FALSE(allows(cfg.server.recursion.allow, "192.0.2.1"));
    CHECK_FALSE(cfg.xfr.defaults.allow_set);  // transfers: nobody unless allowed (xfr.cpp)
}

TEST_CASE("--allow-query restricts the everyone default to the addresses given", "[acl][config]") {
    Config cfg;
    REQUIRE(parse_command_line({"--allow-query", "10.0.0.0/8"}, cfg) == CommandLine::Run);
    CHECK(allows(cfg.server.query_acl, "10.1.2.3"));
    CHECK_FALSE(allows(cfg.server.query_acl, "127.0.0.1"));
}
