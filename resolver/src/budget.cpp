#include "enumd/resolver/budget.hpp"

namespace enumd::resolver {

boost::asio::awaitable<Answer> BudgetedLookup::query(dns::Name qname, dns::RrType qtype) {
    if (queries_ >= budget_.max_queries || records_ >= budget_.max_records) {
        exhausted_ = true;
        Answer a;
        a.status = LookupStatus::ServFail;
        a.detail = reason();
        co_return a;
    }
    ++queries_;
    Answer a = co_await inner_.query(std::move(qname), qtype);
    std::size_t room = budget_.max_records - records_;
    if (a.records.size() > room) {
        // Keep the answer's first records: the lookup goes on with what fits
        // and reports that the budget cut it short.
        a.records.resize(room);
        exhausted_ = true;
        records_cut_ = true;
    }
    records_ += a.records.size();
    if (a.additional.size() > budget_.max_records - records_) a.additional.clear();  // hints only
    co_return a;
}

std::string BudgetedLookup::reason() const {
    if (!exhausted_) return {};
    if (records_cut_ || records_ >= budget_.max_records)
        return "lookup budget of " + std::to_string(budget_.max_records) + " records exhausted";
    return "lookup budget of " + std::to_string(budget_.max_queries) + " queries exhausted";
}

}  // namespace enumd::resolver
