// ENUM: enumservices, flags, ordering and the lookup driver.
#include <catch2/catch.hpp>

#include <map>

#include "enumd/resolver/enum_lookup.hpp"
#include "fake_dns.hpp"

using namespace enumd::resolver;
using namespace enumd::resolver::test;
using enumd::dns::RrType;

TEST_CASE("flags: u is terminal, empty is non-terminal, anything else is unknown", "[naptr]") {
    CHECK(classify_enum_flags("u") == FlagKind::Terminal);
    CHECK(classify_enum_flags("U") == FlagKind::Terminal);
    CHECK(classify_enum_flags("") == FlagKind::NonTerminal);
    CHECK(classify_enum_flags("s") == FlagKind::Unknown);
    CHECK(classify_enum_flags("up") == FlagKind::Unknown);
    CHECK(classify_enum_flags("x") == FlagKind::Unknown);
}

namespace {

const std::string kOwner = "2.1.9.0.0.5.5.5.3.1.6.e164.arpa.";

EnumOptions sip_options() {
    EnumOptions o;
    o.service = *enumd::numbering::ServiceFilter::parse("E2U+sip");
    o.seed = 42;
    return o;
}

std::vector<std::string> uris(const EnumResult& r) {
    std::vector<std::string> out;
    for (const auto& t : r.targets) out.push_back(t.uri);
    return out;
}

}  // namespace

TEST_CASE("RFC 3403 default: lowest ORDER that matches, then PREFERENCE ascending", "[enum][order]") {
    FakeDns dns;
    dns.add(naptr_rr(kOwner, 20, 10, "u", "E2U+sip", "!^.*$!sip:standby@example.net!"));
    dns.add(naptr_rr(kOwner, 10, 200, "u", "E2U+sip", "!^.*$!sip:b@example.net!"));
    dns.add(naptr_rr(kOwner, 10, 100, "u", "E2U+sip", "!^.*$!sip:a@example.net!"));
    dns.add(naptr_rr(kOwner, 5, 100, "u", "E2U+pstn:tel", "!^.*$!tel:+61355500912!"));  // other service: ignored
    auto r = run(enum_lookup(dns, "+61 3 5550 0912", sip_options()));
    REQUIRE(r.outcome == EnumOutcome::Ok);
    CHECK(r.aus == "+61355500912");
    CHECK(uris(r) == std::vector<std::string>{"sip:a@example.net", "sip:b@example.net"});
}

TEST_CASE("failover mode keeps later ORDER tiers as standby", "[enum][order]") {
    FakeDns dns;
    dns.add(naptr_rr(kOwner, 20, 100, "u", "E2U+sip", "!^.*$!sip:info@server2.example.net!"));
    dns.add(naptr_rr(kOwner, 10, 100, "u", "E2U+sip", "!^.*$!sip:info@server1.example.net!"));
    auto o = sip_options();
    o.failover_across_orders = true;
    auto r = run(enum_lookup(dns, "+61355500912", o));
    CHECK(uris(r) == std::vector<std::string>{"sip:info@server1.example.net", "sip:info@server2.example.net"});
    auto strict = run(enum_lookup(dns, "+61355500912", sip_options()));
    CHECK(uris(strict) == std::vector<std::string>{"sip:info@server1.example.net"});
}

TEST_CASE("a record with unknown flags or a bad regexp is skipped with a reason, the rest kept", "[enum][flags]") {
    FakeDns dns;
    dns.add(naptr_rr(kOwner, 10, 10, "x", "E2U+sip", "!^.*$!sip:bad-flag@example.net!"));
    dns.add(naptr_rr(kOwner, 10, 20, "u", "E2U+sip", "!^.*$!\\0!"));
    dns.add(naptr_rr(kOwner, 10, 30, "u", "E2U+sip", "!^.*$!tel:+61355500912!"));  // wrong scheme for E2U+sip
    dns.add(naptr_rr(kOwner, 10, 40, "u", "E2U+sip", "!^.*$!sip:good@example.net!"));
    auto r = run(enum_lookup(dns, "+61355500912", sip_options()));
    REQUIRE(r.outcome == EnumOutcome::Ok);
    CHECK(uris(r) == std::vector<std::string>{"sip:good@example.net"});
    REQUIRE(r.records.size() == 4);
    CHECK(r.records[0].skipped.find("unknown flags") != std::string::npos);
    CHECK(r.records[1].skipped.find("\\0") != std::string::npos);
    CHECK(r.records[2].skipped.find("does not suit") != std::string::npos);
    CHECK(r.records[3].skipped.empty());
}

TEST_CASE("non-terminal rules are followed, with loop and depth limits", "[enum][nonterminal]") {
    FakeDns dns;
    dns.add(naptr_rr(kOwner, 10, 10, "", "", "", "step1.example.net."));
    dns.add(naptr_rr("step1.example.net.", 10, 10, "", "E2U+sip", "!^\\+61(.*)$!step2.example.net!"));
    dns.add(naptr_rr("step2.example.net.", 10, 10, "u", "E2U+sip", "!^\\+61(.*)$!sip:0\\1@example.net!"));
    auto r = run(enum_lookup(dns, "+61355500912", sip_options()));
    REQUIRE(r.outcome == EnumOutcome::Ok);
    // The regexp is applied to the AUS, not to the current key.
    CHECK(uris(r) == std::vector<std::string>{"sip:0355500912@example.net"});

    FakeDns loop;
    loop.add(naptr_rr(kOwner, 10, 10, "", "", "", "a.example.net."));
    loop.add(naptr_rr("a.example.net.", 10, 10, "", "", "", "b.example.net."));
    loop.add(naptr_rr("b.example.net.", 10, 10, "", "", "", kOwner));
    auto l = run(enum_lookup(loop, "+61355500912", sip_options()));
    CHECK(l.outcome == EnumOutcome::NoUsable);
    CHECK(loop.queries.size() == 3);
    bool loop_reported = false;
    for (const auto& v : l.records) loop_reported |= v.skipped.find("loop") != std::string::npos;
    CHECK(loop_reported);

    FakeDns deep;
    std::string owner = kOwner;
    for (int i = 0; i < 10; ++i) {
        std::string next = "d" + std::to_string(i) + ".example.net.";
        deep.add(naptr_rr(owner, 10, 10, "", "", "", next));
        owner = next;
    }
    auto o = sip_options();
    o.max_nonterminal_depth = 3;
    auto d = run(enum_lookup(deep, "+61355500912", o));
    CHECK(d.outcome == EnumOutcome::NoUsable);
    CHECK(deep.queries.size() == 4);
}

TEST_CASE("npdi URIs are final and never looked up again", "[enum][npdi]") {
    FakeDns dns;
    dns.add(naptr_rr(kOwner, 10, 10, "u", "E2U+pstn:tel", "!^.*$!tel:+61355500999;npdi!"));
    dns.add(naptr_rr("9.9.9.0.0.5.5.5.3.1.6.e164.arpa.", 10, 10, "u", "E2U+pstn:tel", "!^.*$!tel:+61255500000!"));
    auto o = sip_options();
    o.service = *enumd::numbering::ServiceFilter::parse("E2U+pstn:tel");
    o.follow_tel = true;
    auto r = run(enum_lookup(dns, "+61355500912", o));
    REQUIRE(r.targets.size() == 1);
    CHECK(r.targets[0].npdi);
    CHECK(dns.queries.size() == 1);

    // Without npdi and with follow_tel the tel: URI is looked up again.
    FakeDns dns2;
    dns2.add(naptr_rr(kOwner, 10, 10, "u", "E2U+pstn:tel", "!^.*$!tel:+61355500999!"));
    dns2.add(naptr_rr("9.9.9.0.0.5.5.5.3.1.6.e164.arpa.", 10, 10, "u", "E2U+pstn:tel", "!^.*$!tel:+61255500000;npdi!"));
    auto r2 = run(enum_lookup(dns2, "+61355500912", o));
    REQUIRE(r2.targets.size() == 1);
    CHECK(r2.targets[0].uri == "tel:+61255500000;npdi");
    CHECK(dns2.queries.size() == 2);
}

TEST_CASE("suffixes are tried in order and outcomes tell NXDOMAIN, no usable record and timeout apart", "[enum][suffix]") {
    FakeDns dns;
    dns.add(naptr_rr("2.1.9.0.0.5.5.5.3.1.6.private.example.", 10, 10, "u", "E2U+sip", "!^.*$!sip:p@example.net!"));
    auto o = sip_options();
    o.suffixes = {N("e164.arpa."), N("private.example.")};
    auto r = run(enum_lookup(dns, "+61355500912", o));
    REQUIRE(r.outcome == EnumOutcome::Ok);
    CHECK(r.domain == "2.1.9.0.0.5.5.5.3.1.6.private.example.");
    CHECK(dns.queries == std::vector<std::string>{"NAPTR 2.1.9.0.0.5.5.5.3.1.6.e164.arpa.",
                                                  "NAPTR 2.1.9.0.0.5.5.5.3.1.6.private.example."});

    FakeDns empty;
    CHECK(run(enum_lookup(empty, "+61355500912", sip_options())).outcome == EnumOutcome::NxDomain);
    FakeDns slow;
    slow.fail(kOwner, RrType::NAPTR, LookupStatus::Timeout);
    CHECK(run(enum_lookup(slow, "+61355500912", sip_options())).outcome == EnumOutcome::Timeout);
    FakeDns other;
    other.add(naptr_rr(kOwner, 10, 10, "u", "E2U+h323", "!^.*$!h323:x@example.net!"));
    CHECK(run(enum_lookup(other, "+61355500912", sip_options())).outcome == EnumOutcome::NoUsable);
    CHECK(run(enum_lookup(other, "+6135550091a", sip_options())).outcome == EnumOutcome::BadNumber);
}

namespace {

/// One ORDER tier of terminal E2U+sip NAPTRs: (preference, host) each.
std::vector<NaptrRecord> sip_tier(const std::vector<std::pair<std::uint16_t, std::string>>& prefs_hosts) {
    std::vector<NaptrRecord> set;
    for (const auto& [pref, host] : prefs_hosts) {
        NaptrRecord r;
        r.order = 10;
        r.preference = pref;
        r.flags = "u";
        r.services = "E2U+sip";
        r.regexp = "!^.*$!sip:info@" + host + ".example.net!";
        set.push_back(r);
    }
    return set;
}

}  // namespace

TEST_CASE("preference-as-weight splits first picks 25/25/50 over 100,000 draws (chi-square)", "[enum][weight][stats]") {
    auto set = sip_tier({{100, "server1"}, {100, "server2"}, {200, "server3"}});
    auto o = sip_options();
    o.preference_as_weight = true;
    Rng rng(20240611);
    std::vector<double> first(3, 0.0), second(3, 0.0);
    constexpr int kDraws = 100'000;
    for (int i = 0; i < kDraws; ++i) {
        auto res = process_naptr_set(set, "+61355500913", o, rng);
        REQUIRE(res.tiers.size() == 1);
        REQUIRE(res.tiers[0].size() == 3);
        first[res.tiers[0][0].index] += 1;
        second[res.tiers[0][1].index] += 1;
    }
    double chi = chi_square(first, {0.25, 0.25, 0.5});
    INFO("first-pick chi-square " << chi << " counts " << first[0] << "/" << first[1] << "/" << first[2]);
    WARN("NAPTR weight first-pick chi-square " << chi << " (df 2, bound 13.82), counts " << first[0] << "/" << first[1] << "/" << first[2]);
    CHECK(chi < 13.82);  // df = 2, p = 0.001
    // Second pick: P(1st)=.25*(100/300)+.25*(100/300)... = record1: .25*1/3 + .5*.5 = 1/3, record3: .25*2/3*2 = 1/3.
    double chi2 = chi_square(second, {1.0 / 3, 1.0 / 3, 1.0 / 3});
    INFO("second-pick chi-square " << chi2);
    CHECK(chi2 < 13.82);
    // The shares that enumq prints.
    auto res = process_naptr_set(set, "+61355500913", o, rng);
    CHECK(res.shares == std::vector<double>{0.25, 0.25, 0.5});
}

TEST_CASE("the same seed gives the same failover list", "[enum][weight]") {
    FakeDns dns;
    for (int i = 0; i < 5; ++i) {
        dns.add(naptr_rr(kOwner, 10, 100, "u", "E2U+sip", "!^.*$!sip:s" + std::to_string(i) + "@example.net!"));
    }
    auto o = sip_options();
    o.preference_as_weight = true;
    auto a = run(enum_lookup(dns, "+61355500912", o));
    auto b = run(enum_lookup(dns, "+61355500912", o));
    CHECK(uris(a) == uris(b));
    CHECK(a.targets.size() == 5);
}

TEST_CASE("records of equal order and preference split first picks 50/50 in RFC mode (chi-square)", "[enum][stats]") {
    // The seed's lab zone: +61355500912 has two NAPTRs at 10/10 ("50/50 … the client picks either").
    auto set = sip_tier({{10, "server1"}, {10, "server2"}, {20, "server3"}});
    auto o = sip_options();
    REQUIRE_FALSE(o.preference_as_weight);
    Rng rng(20261201);
    std::vector<double> first(2, 0.0);
    constexpr int kDraws = 100'000;
    for (int i = 0; i < kDraws; ++i) {
        auto res = process_naptr_set(set, "+61355500912", o, rng);
        REQUIRE(res.tiers.size() == 1);
        REQUIRE(res.tiers[0].size() == 3);
        REQUIRE(res.tiers[0][0].index < 2);       // preference 20 is never tried first
        REQUIRE(res.tiers[0][2].index == 2);      // …and always last
        first[res.tiers[0][0].index] += 1;
    }
    double chi = chi_square(first, {0.5, 0.5});
    INFO("first-pick counts " << first[0] << "/" << first[1]);
    CHECK(chi < 10.83);  // df = 1, p = 0.001
    auto res = process_naptr_set(set, "+61355500912", o, rng);
    CHECK(res.shares == std::vector<double>{0.5, 0.5, 0.0});
}

TEST_CASE("a lookup without a seed does not always pick the first of two equal records", "[enum]") {
    FakeDns dns;
    dns.add(naptr_rr(kOwner, 10, 10, "u", "E2U+sip", "!^.*$!sip:info@server1.example.net!"));
    dns.add(naptr_rr(kOwner, 10, 10, "u", "E2U+sip", "!^.*$!sip:info@server2.example.net!"));
    auto o = sip_options();
    o.seed.reset();  // as an application calls it: a fresh seed per lookup
    int server1_first = 0;
    constexpr int kLookups = 200;
    for (int i = 0; i < kLookups; ++i) {
        auto r = run(enum_lookup(dns, "+61355500912", o));
        REQUIRE(r.targets.size() == 2);
        if (r.targets[0].uri == "sip:info@server1.example.net") ++server1_first;
    }
    // Binomial(200, 0.5): outside [60, 140] with probability < 1e-8.
    CHECK(server1_first > 60);
    CHECK(server1_first < 140);
}

namespace {

/// A hostile zone: every NAPTR query is answered with six non-terminal
/// records, each pointing at a new, never-seen name one label deeper.
class FanOutDns : public DnsLookup {
public:
    unsigned queries = 0;
    boost::asio::awaitable<Answer> query(enumd::dns::Name qname, RrType qtype) override {
        ++queries;
        Answer a;
        a.server = "fanout";
        if (qtype != RrType::NAPTR || qname.label_count() > 40) {
            a.status = LookupStatus::NxDomain;
            co_return a;
        }
        a.status = LookupStatus::Ok;
        for (int i = 0; i < 6; ++i) {
            auto next = qname.prepend("n" + std::to_string(i));
            a.records.push_back(naptr_rr(qname.to_text(), 10, static_cast<std::uint16_t>(i), "", "E2U+sip", "",
                                         next->to_text()));
        }
        co_return a;
    }
};

}  // namespace

TEST_CASE("non-terminal fan-out is bounded by the lookup's query budget", "[enum][budget]") {
    FanOutDns dns;
    auto o = sip_options();
    REQUIRE(o.max_nonterminal_depth == 5);  // depth alone would allow 1 + 6 + … + 6^5 = 9,331 queries
    auto r = run(enum_lookup(dns, "+61355500912", o));
    CHECK(dns.queries <= o.budget.max_queries);
    CHECK(r.outcome != EnumOutcome::Ok);
    CHECK(r.budget_exhausted == "lookup budget of 64 queries exhausted");
    CHECK(r.records.size() <= o.budget.max_records);
    // A smaller budget is honoured exactly.
    FanOutDns small;
    o.budget.max_queries = 10;
    auto r2 = run(enum_lookup(small, "+61355500912", o));
    CHECK(small.queries == 10);
    CHECK_FALSE(r2.budget_exhausted.empty());
}

TEST_CASE("records from answers count against the lookup's record budget", "[enum][budget]") {
    FakeDns dns;
    for (int i = 0; i < 50; ++i)
        dns.add(naptr_rr(kOwner, 10, 10, "u", "E2U+sip", "!^.*$!sip:s" + std::to_string(i) + "@example.net!"));
    auto o = sip_options();
    o.budget.max_records = 20;
    auto r = run(enum_lookup(dns, "+61355500912", o));
    CHECK(r.outcome == EnumOutcome::Ok);
    CHECK(r.targets.size() == 20);  // the first 20 records are still used
    CHECK(r.budget_exhausted == "lookup budget of 20 records exhausted");
    // An ordinary lookup is untouched by the default budget.
    auto normal = run(enum_lookup(dns, "+61355500912", sip_options()));
    CHECK(normal.targets.size() == 50);
    CHECK(normal.budget_exhausted.empty());
}
