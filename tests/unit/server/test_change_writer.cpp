// The one writer of live changes (server/src/daemon/change_writer.hpp): every
// submitted set gets its own result, whether the writer grouped it with
// others or not — a bad set never fails a good one queued beside it, items
// keep their submission order, and everything queued is applied before the
// writer is destroyed.
#include <catch2/catch.hpp>
#include <future>
#include <string>
#include <vector>

#include "../../../server/src/daemon/change_writer.hpp"
#include "../common/fixtures.hpp"
#include "enumd/zones/store.hpp"
#include "enumd/zones/validate.hpp"
#include "enumd/zones/yaml_loader.hpp"

using enumd::server::ChangeWriter;
using enumd::testing::N;
using enumd::testing::TempDir;
using namespace enumd::zones;

namespace {

const char* kZone =
    "origin: 1.6.e164.arpa.\n"
    "ttl: 600\n"
    "soa: {mname: ns1.example.net., rname: hostmaster.example.net., serial: 7}\n"
    "ns: [ns1.example.net.]\n"
    "routes:\n"
    "  telstra: \"sip:{number}@sip.telstra.example\"\n"
    "  optus: \"sip:{number}@sip.optus.example\"\n"
    "numbers:\n"
    "  - {number: \"+61 3 5550 0911\", route: telstra}\n";

std::unique_ptr<Store> compiled(const TempDir& dir) {
    Diagnostics diags;
    auto z = load_yaml_zone_text(kZone, "t.yaml", diags);
    REQUIRE(z);
    validate_zone(*z, diags);
    REQUIRE(!diags.has_errors());
    auto store = Store::open(dir.path);
    REQUIRE(store.ok());
    REQUIRE((*store)->write({*z}).ok());
    return std::move(*store);
}

/// The NAPTR regexps served at `number`'s owner ("" when it has none).
std::string served(Store& store, const std::string& owner) {
    auto rd = store.reader();
    REQUIRE(rd.ok());
    REQUIRE((*rd)->refresh());
    const ZoneInfo* zone = (*rd)->find_zone(N(owner));
    REQUIRE(zone != nullptr);
    auto node = (*rd)->get(*zone, N(owner));
    if (!node) return "";
    auto set = node->find(enumd::dns::RrType::NAPTR);
    if (!set) return "";
    std::string out;
    std::size_t off = 0;
    std::span<const std::uint8_t> rdata;
    while (set->next(off, rdata)) out += decode_naptr(rdata)->regexp;
    return out;
}

}  // namespace

TEST_CASE("ChangeWriter: each set gets its own outcome, in submission order") {
    TempDir dir;
    auto store = compiled(dir);
    std::vector<std::future<ApplyResult>> results;
    {
        ChangeWriter writer(*store);
        auto submit = [&](std::vector<Change> changes) {
            auto p = std::make_shared<std::promise<ApplyResult>>();
            results.push_back(p->get_future());
            writer.submit(N("1.6.e164.arpa."), std::move(changes), ApplyOptions{},
                          [p](ApplyResult r) { p->set_value(std::move(r)); });
        };
        // A large set first keeps the writer busy while the next ones queue (and may be grouped).
        std::vector<Change> big;
        for (int i = 0; i < 5000; ++i)
            big.push_back(Change::set_route("+6135551" + std::to_string(1000 + i), "telstra"));
        submit(big);
        submit({Change::set_route("+61355500920", "optus")});
        submit({Change::set_route("+61355500921", "nosuch")});   // refused: unknown route
        submit({Change::set_route("+61355500920", "telstra")});  // after the first: telstra wins
        submit({Change::delete_number("+61355500999")});         // refused: no such number
        submit({Change::delete_number("+61355500911")});
    }  // the destructor applies everything queued before it returns
    REQUIRE(results.size() == 6);
    std::vector<bool> ok;
    for (auto& f : results) ok.push_back(f.get().ok());
    CHECK(ok == std::vector<bool>{true, true, false, true, false, true});
    CHECK(served(*store, "0.2.9.0.0.5.5.5.3.1.6.e164.arpa.") == "!^(.*)$!sip:\\1@sip.telstra.example!");
    CHECK(served(*store, "1.2.9.0.0.5.5.5.3.1.6.e164.arpa.").empty());
    CHECK(served(*store, "1.1.9.0.0.5.5.5.3.1.6.e164.arpa.").empty());
    CHECK(served(*store, "9.9.9.5.1.5.5.5.3.1.6.e164.arpa.") == "!^(.*)$!sip:\\1@sip.telstra.example!");
}

TEST_CASE("ChangeWriter: a refused set names its own items, not its group's") {
    TempDir dir;
    auto store = compiled(dir);
    std::promise<ApplyResult> bad;
    std::promise<ApplyResult> good;
    {
        ChangeWriter writer(*store);
        std::vector<Change> big;
        for (int i = 0; i < 3000; ++i) big.push_back(Change::set_route("+6135552" + std::to_string(1000 + i), "optus"));
        writer.submit(N("1.6.e164.arpa."), big, ApplyOptions{}, [](const ApplyResult&) {});
        writer.submit(N("1.6.e164.arpa."), {Change::set_route("+61355500930", "telstra")}, ApplyOptions{},
                      [&](ApplyResult r) { good.set_value(std::move(r)); });
        writer.submit(N("1.6.e164.arpa."),
                      {Change::set_route("+61355500931", "telstra"), Change::set_route("+61355500932", "nosuch")},
                      ApplyOptions{}, [&](ApplyResult r) { bad.set_value(std::move(r)); });
    }
    ApplyResult b = bad.get_future().get();
    REQUIRE(!b.ok());
    REQUIRE(b.issues.size() == 1);
    CHECK(b.issues[0].item == std::optional<std::size_t>(1));  // index inside its own set
    CHECK(good.get_future().get().ok());
    CHECK(served(*store, "1.3.9.0.0.5.5.5.3.1.6.e164.arpa.").empty());  // the bad set's good item is not applied
    CHECK(!served(*store, "0.3.9.0.0.5.5.5.3.1.6.e164.arpa.").empty());
}
