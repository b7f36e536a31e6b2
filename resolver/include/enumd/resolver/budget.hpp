#pragma once
/// A per-lookup budget on the work one resolution may cause.
///
/// Why: RFC 3403 non-terminal NAPTR rules, RFC 3263 NAPTR → SRV → A/AAAA and
/// S-NAPTR chains fan out: a depth limit alone still lets a hostile zone make
/// one lookup issue thousands of queries (measured: 9,331 queries and 128 MB
/// for one ENUM lookup at depth 5). Every lookup therefore runs through a
/// BudgetedLookup that stops after `max_queries` queries and `max_records`
/// records in all, whatever shape the zone has.

#include "enumd/resolver/lookup.hpp"

namespace enumd::resolver {

struct LookupBudget {
    /// Queries per lookup. A normal ENUM lookup makes 1–3, an RFC 3263
    /// location NAPTR + one SRV per transport + A/AAAA per target (~20 for a
    /// pool of 8 proxies); 64 leaves room for honest zones and stops fan-out.
    unsigned max_queries = 64;
    /// Records taken from answers in all (each becomes at most one verdict or
    /// target): 4,096 is ~20 full 64 KB TCP answers of NAPTRs.
    std::size_t max_records = 4096;
};

/// Wraps a DnsLookup and enforces a LookupBudget. Once spent, queries are
/// answered ServFail with a detail saying so, without reaching the network.
class BudgetedLookup final : public DnsLookup {
public:
    BudgetedLookup(DnsLookup& inner, LookupBudget budget) noexcept : inner_(inner), budget_(budget) {}
    boost::asio::awaitable<Answer> query(dns::Name qname, dns::RrType qtype) override;

    [[nodiscard]] bool exhausted() const noexcept { return exhausted_; }
    [[nodiscard]] unsigned queries() const noexcept { return queries_; }
    [[nodiscard]] std::size_t records() const noexcept { return records_; }
    /// "query budget of 64 queries exhausted" (empty while not exhausted).
    [[nodiscard]] std::string reason() const;

private:
    DnsLookup& inner_;
    LookupBudget budget_;
    unsigned queries_ = 0;
    std::size_t records_ = 0;
    bool exhausted_ = false;
    bool records_cut_ = false;
};

}  // namespace enumd::resolver
