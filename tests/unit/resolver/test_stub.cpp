// The stub transport against scripted in-process servers on 127.0.0.1.
#include <catch2/catch.hpp>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <functional>
#include <set>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "enumd/dns/wire.hpp"
#include "enumd/resolver/stub.hpp"
#include "scripted_server.hpp"

using namespace enumd;
using namespace enumd::resolver;

namespace {

using namespace enumd::testing;

StubOptions fast(std::vector<ServerAddress> servers) {
    StubOptions o;
    o.servers = std::move(servers);
    o.timeout = std::chrono::milliseconds(150);
    o.attempts = 1;
    return o;
}

dns::Name Q(const char* s) { return *dns::Name::from_text(s); }

}  // namespace

TEST_CASE("queries carry RD, one question and an EDNS0 OPT", "[stub]") {
    auto q = build_query(0x1234, Q("example.net."), dns::RrType::NAPTR, 1232);
    dns::QueryView qv;
    REQUIRE(dns::parse_query(q, qv) == dns::QueryParse::Ok);
    CHECK(qv.header.id == 0x1234);
    CHECK(qv.header.has(dns::flags::RD));
    REQUIRE(qv.edns.has_value());
    CHECK(qv.edns->udp_size == 1232);
    CHECK(qv.question.qtype == dns::RrType::NAPTR);
}

TEST_CASE("answers with a wrong ID or from a wrong source are ignored", "[stub]") {
    ScriptedServer srv([](const dns::QueryView& qv, auto) {
        return std::vector<Datagram>{{respond(qv, 1, 1, 0, false, false, 6), false},   // wrong ID
                                  {respond(qv, 1, 0, 0, false, false, 7), true},    // right ID, other source port
                                  {respond(qv, 1, 0, 0, false, false, 192), false}};
    });
    StubResolver r(fast({srv.address()}));
    auto a = r.query_blocking(Q("host.example."), dns::RrType::A);
    REQUIRE(a.status == LookupStatus::Ok);
    REQUIRE(a.records.size() == 1);
    CHECK(*parse_address_rdata(dns::RrType::A, a.records[0].rdata) == "192.0.2.1");
    CHECK(a.server == "127.0.0.1:" + std::to_string(srv.port()));
}

TEST_CASE("a truncated UDP answer is retried over TCP", "[stub]") {
    ScriptedServer srv([](const dns::QueryView& qv, auto) { return std::vector<Datagram>{{respond(qv, 0, 0, 0, true), false}}; },
                       [](const dns::QueryView& qv, auto) { return std::vector<Datagram>{{respond(qv, 40), false}}; });
    StubResolver r(fast({srv.address()}));
    auto a = r.query_blocking(Q("big.example."), dns::RrType::A);
    REQUIRE(a.status == LookupStatus::Ok);
    CHECK(a.records.size() == 40);
}

TEST_CASE("a silent server times out and the next server answers", "[stub]") {
    ScriptedServer silent([](const dns::QueryView&, auto) { return std::vector<Datagram>{}; });
    ScriptedServer good([](const dns::QueryView& qv, auto) { return std::vector<Datagram>{{respond(qv, 1), false}}; });
    std::vector<std::string> log;
    auto o = fast({silent.address(), good.address()});
    o.log = [&](const std::string& l) { log.push_back(l); };
    StubResolver r(o);
    auto a = r.query_blocking(Q("host.example."), dns::RrType::A);
    CHECK(a.status == LookupStatus::Ok);
    CHECK(a.server == good.address().to_string());
    CHECK(silent.queries == 1);
    REQUIRE(log.size() >= 2);
    CHECK(log[0].find("explicit") != std::string::npos);
    CHECK(log[1].find("timeout") != std::string::npos);

    StubResolver only_silent(fast({silent.address()}));
    CHECK(only_silent.query_blocking(Q("host.example."), dns::RrType::A).status == LookupStatus::Timeout);
}

TEST_CASE("SERVFAIL moves on to the next server", "[stub]") {
    ScriptedServer bad([](const dns::QueryView& qv, auto) { return std::vector<Datagram>{{respond(qv, 0, 0, 2), false}}; });
    ScriptedServer good([](const dns::QueryView& qv, auto) { return std::vector<Datagram>{{respond(qv, 2), false}}; });
    StubResolver r(fast({bad.address(), good.address()}));
    auto a = r.query_blocking(Q("host.example."), dns::RrType::A);
    CHECK(a.status == LookupStatus::Ok);
    CHECK(a.records.size() == 2);
    StubResolver only_bad(fast({bad.address()}));
    CHECK(only_bad.query_blocking(Q("host.example."), dns::RrType::A).status == LookupStatus::ServFail);
}

TEST_CASE("an error rcode is reported as what it is: REFUSED apart from SERVFAIL", "[stub]") {
    struct Case {
        std::uint8_t rcode;
        LookupStatus status;
    };
    const Case cases[] = {
        {2, LookupStatus::ServFail},  // SERVFAIL
        {4, LookupStatus::ServFail},  // NOTIMP
        {5, LookupStatus::Refused},   // REFUSED (RFC 1035 §4.1.1): policy, issue 13
        {3, LookupStatus::NxDomain},
    };
    for (const auto& c : cases) {
        ScriptedServer srv([&](const dns::QueryView& qv, auto) {
            return std::vector<Datagram>{{respond(qv, 0, 0, c.rcode), false}};
        });
        StubResolver r(fast({srv.address()}));
        CAPTURE(static_cast<int>(c.rcode));
        CHECK(r.query_blocking(Q("host.example."), dns::RrType::A).status == c.status);
    }
    // Like SERVFAIL, a refusing server hands the question to the next one.
    ScriptedServer refusing([](const dns::QueryView& qv, auto) { return std::vector<Datagram>{{respond(qv, 0, 0, 5), false}}; });
    ScriptedServer good([](const dns::QueryView& qv, auto) { return std::vector<Datagram>{{respond(qv, 1), false}}; });
    StubResolver r(fast({refusing.address(), good.address()}));
    CHECK(r.query_blocking(Q("host.example."), dns::RrType::A).status == LookupStatus::Ok);
}

TEST_CASE("a port where nothing listens is unreachable at once, not a timeout", "[stub]") {
    // A port that was free a moment ago: the connected UDP socket gets ICMP port unreachable (ECONNREFUSED).
    std::uint16_t port = 0;
    {
        int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
        sockaddr_in sa{};
        sa.sin_family = AF_INET;
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0);
        socklen_t len = sizeof sa;
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
        port = ntohs(sa.sin_port);
        ::close(fd);
    }
    auto o = fast({*parse_server("127.0.0.1:" + std::to_string(port))});
    o.timeout = std::chrono::milliseconds(3000);
    o.attempts = 2;
    StubResolver r(o);
    auto started = std::chrono::steady_clock::now();
    auto a = r.query_blocking(Q("host.example."), dns::RrType::A);
    CHECK(a.status == LookupStatus::Unreachable);
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::milliseconds(1000));
}

TEST_CASE("a resolution reports its most telling failure", "[stub][tally]") {
    struct Case {
        std::vector<LookupStatus> seen;
        LookupStatus worst;
    };
    const std::vector<Case> cases = {
        {{}, LookupStatus::Ok},
        {{LookupStatus::NxDomain, LookupStatus::NoData}, LookupStatus::Ok},
        {{LookupStatus::Malformed}, LookupStatus::ServFail},
        {{LookupStatus::ServFail, LookupStatus::Refused}, LookupStatus::Refused},
        {{LookupStatus::Refused, LookupStatus::Unreachable}, LookupStatus::Unreachable},
        {{LookupStatus::Unreachable, LookupStatus::Timeout, LookupStatus::ServFail}, LookupStatus::Timeout},
    };
    for (const auto& c : cases) {
        FailureTally t;
        for (auto s : c.seen) t.note(s);
        CHECK(t.worst() == c.worst);
        CHECK(t.any() == (c.worst != LookupStatus::Ok));
    }
}

TEST_CASE("the cache answers positive and SOA-backed negative answers until their TTL", "[stub][cache]") {
    ScriptedServer srv([](const dns::QueryView& qv, auto) {
        if (qv.question.qname.label(0) == "nx") return std::vector<Datagram>{{respond(qv, 0, 0, 3, false, true), false}};
        if (qv.question.qname.label(0) == "nxnosoa") return std::vector<Datagram>{{respond(qv, 0, 0, 3), false}};
        return std::vector<Datagram>{{respond(qv, 1), false}};
    });
    StubResolver r(fast({srv.address()}));
    CHECK(r.query_blocking(Q("a.example."), dns::RrType::A).status == LookupStatus::Ok);
    auto again = r.query_blocking(Q("A.EXAMPLE."), dns::RrType::A);
    CHECK(again.from_cache);
    CHECK(srv.queries == 1);
    CHECK(r.query_blocking(Q("nx.example."), dns::RrType::A).status == LookupStatus::NxDomain);
    auto nx = r.query_blocking(Q("nx.example."), dns::RrType::A);
    CHECK(nx.status == LookupStatus::NxDomain);
    CHECK(nx.from_cache);
    CHECK(srv.queries == 2);
    r.query_blocking(Q("nxnosoa.example."), dns::RrType::A);
    CHECK_FALSE(r.query_blocking(Q("nxnosoa.example."), dns::RrType::A).from_cache);  // RFC 2308: no SOA, no caching
    CHECK(srv.queries == 4);
    CHECK(r.cache_stats().hits == 2);
}

TEST_CASE("IDs and source ports vary between queries", "[stub]") {
    ScriptedServer srv([](const dns::QueryView& qv, auto) { return std::vector<Datagram>{{respond(qv, 1), false}}; });
    auto o = fast({srv.address()});
    o.cache = false;
    StubResolver r(o);
    for (int i = 0; i < 20; ++i) REQUIRE(r.query_blocking(Q("a.example."), dns::RrType::A).status == LookupStatus::Ok);
    CHECK(srv.ids.size() >= 18);
    CHECK(srv.source_ports.size() >= 18);
}

TEST_CASE("servers come from resolv.conf unless given explicitly, and the choice is visible", "[stub]") {
    std::string path = "/tmp/enumd-resolver-test-resolv.conf." + std::to_string(getpid());
    {
        std::ofstream f(path);
        f << "# comment\nsearch example.com\nnameserver 127.0.0.53\nnameserver ::1\noptions ndots:5\n";
    }
    StubOptions o;
    o.resolv_conf = path;
    StubResolver from_file(o);
    CHECK(from_file.describe_servers() == "127.0.0.53:53, [::1]:53 (" + path + ")");
    o.servers = {*parse_server("127.0.0.1:5353")};
    StubResolver explicit_servers(o);
    CHECK(explicit_servers.describe_servers() == "127.0.0.1:5353 (explicit)");
    std::remove(path.c_str());

    CHECK(parse_server("[::1]:5353")->port == 5353);
    CHECK_FALSE(parse_server("localhost:53").ok());
    CHECK_FALSE(parse_server("127.0.0.1:0").ok());
}

TEST_CASE("the async API keeps many lookups in flight on one io_context", "[stub][async]") {
    // The server answers nothing until it holds all N queries: the lookups
    // can only finish if they were all outstanding at the same time.
    constexpr int kN = 20;
    sockaddr_in a{};
    int fd = loopback_udp_socket(a);
    std::uint16_t port = ntohs(a.sin_port);
    std::thread server([fd] {
        struct Pending {
            std::vector<std::uint8_t> reply;
            sockaddr_in from;
        };
        std::vector<Pending> pending;
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        std::vector<std::uint8_t> buf(4096);
        while (static_cast<int>(pending.size()) < kN && std::chrono::steady_clock::now() < deadline) {
            pollfd p{fd, POLLIN, 0};
            if (poll(&p, 1, 50) <= 0) continue;
            Pending pd{};
            socklen_t fl = sizeof pd.from;
            auto n = recvfrom(fd, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&pd.from), &fl);
            dns::QueryView qv;
            if (n <= 0 || dns::parse_query(std::span<const std::uint8_t>(buf.data(), static_cast<std::size_t>(n)), qv) !=
                              dns::QueryParse::Ok) {
                continue;
            }
            std::vector<std::uint8_t> out(1024);
            dns::MessageWriter w(out, out.size());
            w.set_header(qv.header.id, dns::flags::QR | dns::flags::AA);
            w.add_question(qv.question.qname, qv.question.qtype, 1);
            NaptrRecord r;
            r.order = 10;
            r.preference = 10;
            r.flags = "u";
            r.services = "E2U+sip";
            r.regexp = "!^(.*)$!sip:\\1@example.net!";
            auto rd = to_rdata(r);
            w.add_record(dns::Section::Answer, qv.question.qname, dns::RrType::NAPTR, 1, 60, rd);
            out.resize(w.size());
            pd.reply = std::move(out);
            pending.push_back(std::move(pd));
        }
        for (const auto& pd : pending) {
            sendto(fd, pd.reply.data(), pd.reply.size(), 0, reinterpret_cast<const sockaddr*>(&pd.from), sizeof pd.from);
        }
    });
    StubOptions o;
    o.servers = {*parse_server("127.0.0.1:" + std::to_string(port))};
    o.timeout = std::chrono::milliseconds(3000);
    o.attempts = 1;
    StubResolver r(o);
    boost::asio::io_context io;
    std::vector<std::future<EnumResult>> results;
    EnumOptions eo;
    eo.service = *enumd::numbering::ServiceFilter::parse("E2U+sip");
    for (int i = 0; i < kN; ++i) {
        results.push_back(boost::asio::co_spawn(io, enum_lookup(r, "+6135550" + std::to_string(1000 + i), eo),
                                                boost::asio::use_future));
    }
    io.run();
    server.join();
    close(fd);
    for (int i = 0; i < kN; ++i) {
        auto res = results[static_cast<std::size_t>(i)].get();
        INFO(i);
        CHECK(res.outcome == EnumOutcome::Ok);
        REQUIRE(res.targets.size() == 1);
        CHECK(res.targets[0].uri == "sip:+6135550" + std::to_string(1000 + i) + "@example.net");
    }
}
