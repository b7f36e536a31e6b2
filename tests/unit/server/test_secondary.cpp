// The secondary against a scripted primary (no sockets): SOA check, IXFR in, stored.
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "../../../server/src/xfr/secondary.hpp"
#include "../../../server/src/xfr/transfer_in.hpp"
#include "enumd/dns/rdata.hpp"
#include "enumd/dns/wire.hpp"
#include "enumd/resolver/exchange.hpp"
#include "enumd/server/log.hpp"
#include "enumd/zones/rdata_text.hpp"
#include "server_fixtures.hpp"
#include "xfr_records.hpp"
#include "enumd/zones/store.hpp"

using namespace enumd;
using namespace enumd::testing;
using namespace enumd::server;

namespace {

/// A response to `query` (as the exchange built it) carrying `records`; the question only when `first`.
std::vector<std::uint8_t> reply_to(std::span<const std::uint8_t> query, const std::vector<zones::Record>& records,
                                   bool first) {
    dns::QueryView qv;
    dns::parse_query(query, qv);
    std::vector<std::uint8_t> buf(dns::kMaxMessage);
    dns::MessageWriter w(buf, buf.size());
    w.set_header(qv.header.id, dns::flags::QR | dns::flags::AA);
    if (first) w.add_question(qv.question.qname, qv.question.qtype, 1);
    for (const auto& r : records) w.add_record(dns::Section::Answer, r.owner, r.type, 1, r.ttl, r.rdata);
    buf.resize(w.size());
    return buf;
}

/// A primary at serial 2 whose IXFR reply puts the SOA alone in its first
/// message (as servers that flush per RRset do).
class ScriptedPrimary : public resolver::Exchanger {
public:
    boost::asio::awaitable<resolver::Reply> exchange(resolver::ServerAddress, resolver::Request req) override {
        auto query = resolver::build_request(0x5151, req, false);
        resolver::Reply r;
        r.outcome = resolver::Outcome::Answered;
        r.message = reply_to(query, {soa(2)}, true);
        note(dns::to_text(req.qtype));
        co_return r;
    }
    boost::asio::awaitable<resolver::Reply> stream(resolver::ServerAddress, resolver::Request req,
                                                   resolver::StreamHandler on_message) override {
        auto query = resolver::build_request(0x5252, req, false);
        note(dns::to_text(req.qtype));
        const std::vector<std::vector<zones::Record>> messages = {
            {soa(2)},
            {soa(1), a("old.example.", "192.0.2.1"), soa(2), a("new.example.", "192.0.2.2")},
            {soa(2)},
        };
        resolver::Reply r;
        r.outcome = resolver::Outcome::Answered;
        for (std::size_t i = 0; i < messages.size(); ++i) {
            r.message = reply_to(query, messages[i], i == 0);
            if (!on_message(r.message)) co_return r;
        }
        co_return resolver::Reply{resolver::Outcome::Timeout, {}, true, false, "transfer interrupted: timed out"};
    }
    std::vector<std::string> asked() {
        std::lock_guard g(mu_);
        return asked_;
    }

private:
    void note(const std::string& what) {
        std::lock_guard g(mu_);
        asked_.push_back(what);
    }
    std::mutex mu_;
    std::vector<std::string> asked_;
};

}  // namespace

TEST_CASE("a secondary refreshes by IXFR from a primary whose reply starts with a lone SOA message", "[xfr][secondary]") {
    TempDir dir("enumd-secondary");
    auto store = zones::Store::open(dir.path.string());
    REQUIRE(store);
    zones::Zone v1;
    v1.origin = N("example.");
    v1.records = {soa(1), rec("example.", dns::RrType::NS, "ns.example.net."), a("old.example.", "192.0.2.1")};
    REQUIRE((*store)->write({v1}));

    xfr::Service service(xfr::Settings{}, **store);
    xfr::Settings settings;
    settings.secondaries.push_back({N("example."), {{"192.0.2.53", 53}}, ""});
    auto primary = std::make_shared<ScriptedPrimary>();
    xfr::Secondaries secondaries(settings, **store, service, primary);
    secondaries.start();
    std::string status;
    for (int i = 0; i < 200 && status.find("transferred") == std::string::npos; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
        status = secondaries.status(N("example."));
    }
    secondaries.stop();
    INFO(status);
    CHECK(status.find("transferred from 192.0.2.53:53") != std::string::npos);
    CHECK(primary->asked() == std::vector<std::string>{"SOA", "IXFR"});  // no fallback to AXFR
    auto z = (*store)->load_zone(N("example."));
    REQUIRE(z);
    std::vector<std::string> owners;
    for (const auto& r : z->records) {
        if (r.type == dns::RrType::SOA) CHECK(dns::soa_timers(r.rdata)->serial == 2);
        if (r.type == dns::RrType::A) owners.push_back(r.owner.to_text());
    }
    CHECK(owners == std::vector<std::string>{"new.example."});
}
