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

using namespace enumd;
using namespace enumd::resolver;

namespace {

struct Reply {
    std::vector<std::uint8_t> bytes;
    bool from_other_socket = false;
};

/// A UDP (and optional TCP) server on 127.0.0.1 that runs `script` for
/// each query. Stops within 50 ms of destruction; bounded by its own
/// deadline of 10 s in any case.
class ScriptedServer {
public:
    using Script = std::function<std::vector<Reply>(const dns::QueryView&, std::span<const std::uint8_t>)>;
    explicit ScriptedServer(Script udp, Script tcp = nullptr) : udp_(std::move(udp)), tcp_(std::move(tcp)) {
        fd_ = socket(AF_INET, SOCK_DGRAM, 0);
        other_ = socket(AF_INET, SOCK_DGRAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
        socklen_t len = sizeof a;
        getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
        port_ = ntohs(a.sin_port);
        if (tcp_) {
            lfd_ = socket(AF_INET, SOCK_STREAM, 0);
            int one = 1;
            setsockopt(lfd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
            REQUIRE(bind(lfd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
            REQUIRE(listen(lfd_, 4) == 0);
        }
        thread_ = std::thread([this] { loop(); });
    }
    ~ScriptedServer() {
        stop_ = true;
        thread_.join();
        close(fd_);
        close(other_);
        if (lfd_ >= 0) close(lfd_);
    }
    [[nodiscard]] std::uint16_t port() const { return port_; }
    [[nodiscard]] ServerAddress address() const { return *parse_server("127.0.0.1:" + std::to_string(port_)); }
    std::atomic<int> queries{0};
    std::set<std::uint16_t> source_ports;
    std::set<std::uint16_t> ids;

private:
    void loop() {
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        std::vector<std::uint8_t> buf(65535);
        while (!stop_ && std::chrono::steady_clock::now() < deadline) {
            pollfd p[2] = {{fd_, POLLIN, 0}, {lfd_, POLLIN, 0}};
            if (poll(p, lfd_ >= 0 ? 2 : 1, 50) <= 0) continue;
            if ((p[0].revents & POLLIN) != 0) {
                sockaddr_in from{};
                socklen_t fl = sizeof from;
                auto n = recvfrom(fd_, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&from), &fl);
                if (n <= 0) continue;
                ++queries;
                source_ports.insert(ntohs(from.sin_port));
                std::span<const std::uint8_t> q(buf.data(), static_cast<std::size_t>(n));
                dns::QueryView qv;
                if (dns::parse_query(q, qv) != dns::QueryParse::Ok) continue;
                ids.insert(qv.header.id);
                for (const auto& r : udp_(qv, q)) {
                    sendto(r.from_other_socket ? other_ : fd_, r.bytes.data(), r.bytes.size(), 0,
                           reinterpret_cast<sockaddr*>(&from), fl);
                }
            }
            if (lfd_ >= 0 && (p[1].revents & POLLIN) != 0) {
                int c = accept(lfd_, nullptr, nullptr);
                if (c < 0) continue;
                std::uint8_t len[2];
                if (recv(c, len, 2, MSG_WAITALL) == 2) {
                    std::size_t ql = static_cast<std::size_t>(len[0] << 8 | len[1]);
                    if (recv(c, buf.data(), ql, MSG_WAITALL) == static_cast<ssize_t>(ql)) {
                        std::span<const std::uint8_t> q(buf.data(), ql);
                        dns::QueryView qv;
                        if (dns::parse_query(q, qv) == dns::QueryParse::Ok) {
                            for (const auto& r : tcp_(qv, q)) {
                                std::uint8_t l2[2] = {static_cast<std::uint8_t>(r.bytes.size() >> 8),
                                                      static_cast<std::uint8_t>(r.bytes.size())};
                                send(c, l2, 2, 0);
                                send(c, r.bytes.data(), r.bytes.size(), 0);
                            }
                        }
                    }
                }
                close(c);
            }
        }
    }
    Script udp_, tcp_;
    int fd_ = -1, other_ = -1, lfd_ = -1;
    std::uint16_t port_ = 0;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

/// A response to `qv` with `n` A records (192.0.2.1, .2, ...) or the given rcode.
std::vector<std::uint8_t> respond(const dns::QueryView& qv, int n, std::uint16_t id_delta = 0, std::uint8_t rcode = 0,
                                  bool tc = false, bool soa = false, std::uint8_t first_octet = 192) {
    std::vector<std::uint8_t> buf(4096);
    dns::MessageWriter w(buf, buf.size());
    w.set_header(static_cast<std::uint16_t>(qv.header.id + id_delta),
                 static_cast<std::uint16_t>(dns::flags::QR | dns::flags::AA | (tc ? dns::flags::TC : 0)));
    w.set_rcode(rcode);
    w.add_question(qv.question.qname, qv.question.qtype, 1);
    for (int i = 0; i < n; ++i) {
        std::uint8_t a[4] = {first_octet, 0, 2, static_cast<std::uint8_t>(i + 1)};
        w.add_record(dns::Section::Answer, qv.question.qname, dns::RrType::A, 1, 300, a);
    }
    if (soa) {
        auto z = *dns::Name::from_text("example.");
        std::vector<std::uint8_t> rd;
        for (auto b : z.wire()) rd.push_back(b);
        for (auto b : z.wire()) rd.push_back(b);
        for (std::uint32_t v : {1U, 3600U, 600U, 86400U, 60U}) {
            rd.push_back(static_cast<std::uint8_t>(v >> 24));
            rd.push_back(static_cast<std::uint8_t>(v >> 16));
            rd.push_back(static_cast<std::uint8_t>(v >> 8));
            rd.push_back(static_cast<std::uint8_t>(v));
        }
        w.add_record(dns::Section::Authority, z, dns::RrType::SOA, 1, 300, rd);
    }
    buf.resize(w.size());
    return buf;
}

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
        return std::vector<Reply>{{respond(qv, 1, 1, 0, false, false, 6), false},   // wrong ID
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
    ScriptedServer srv([](const dns::QueryView& qv, auto) { return std::vector<Reply>{{respond(qv, 0, 0, 0, true), false}}; },
                       [](const dns::QueryView& qv, auto) { return std::vector<Reply>{{respond(qv, 40), false}}; });
    StubResolver r(fast({srv.address()}));
    auto a = r.query_blocking(Q("big.example."), dns::RrType::A);
    REQUIRE(a.status == LookupStatus::Ok);
    CHECK(a.records.size() == 40);
}

TEST_CASE("a silent server times out and the next server answers", "[stub]") {
    ScriptedServer silent([](const dns::QueryView&, auto) { return std::vector<Reply>{}; });
    ScriptedServer good([](const dns::QueryView& qv, auto) { return std::vector<Reply>{{respond(qv, 1), false}}; });
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
    ScriptedServer bad([](const dns::QueryView& qv, auto) { return std::vector<Reply>{{respond(qv, 0, 0, 2), false}}; });
    ScriptedServer good([](const dns::QueryView& qv, auto) { return std::vector<Reply>{{respond(qv, 2), false}}; });
    StubResolver r(fast({bad.address(), good.address()}));
    auto a = r.query_blocking(Q("host.example."), dns::RrType::A);
    CHECK(a.status == LookupStatus::Ok);
    CHECK(a.records.size() == 2);
    StubResolver only_bad(fast({bad.address()}));
    CHECK(only_bad.query_blocking(Q("host.example."), dns::RrType::A).status == LookupStatus::ServFail);
}

TEST_CASE("the cache answers positive and SOA-backed negative answers until their TTL", "[stub][cache]") {
    ScriptedServer srv([](const dns::QueryView& qv, auto) {
        if (qv.question.qname.label(0) == "nx") return std::vector<Reply>{{respond(qv, 0, 0, 3, false, true), false}};
        if (qv.question.qname.label(0) == "nxnosoa") return std::vector<Reply>{{respond(qv, 0, 0, 3), false}};
        return std::vector<Reply>{{respond(qv, 1), false}};
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
    ScriptedServer srv([](const dns::QueryView& qv, auto) { return std::vector<Reply>{{respond(qv, 1), false}}; });
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
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    socklen_t alen = sizeof a;
    getsockname(fd, reinterpret_cast<sockaddr*>(&a), &alen);
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
    eo.service = *ServiceFilter::parse("E2U+sip");
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
