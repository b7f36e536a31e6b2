#pragma once
// A table-driven DnsLookup for unit tests: no network.
#include <arpa/inet.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "enumd/resolver/lookup.hpp"
#include "enumd/resolver/naptr.hpp"

namespace enumd::resolver::test {

inline dns::Name N(const std::string& s) { return *dns::Name::from_text(s); }

inline Rr naptr_rr(const std::string& owner, std::uint16_t order, std::uint16_t pref, const std::string& flags,
                   const std::string& services, const std::string& regexp, const std::string& replacement = ".") {
    NaptrRecord r;
    r.order = order;
    r.preference = pref;
    r.flags = flags;
    r.services = services;
    r.regexp = regexp;
    r.replacement = N(replacement);
    return Rr{N(owner), dns::RrType::NAPTR, 3600, to_rdata(r)};
}

inline Rr srv_rr(const std::string& owner, std::uint16_t prio, std::uint16_t weight, std::uint16_t port,
                 const std::string& target) {
    std::vector<std::uint8_t> d = {static_cast<std::uint8_t>(prio >> 8), static_cast<std::uint8_t>(prio),
                                   static_cast<std::uint8_t>(weight >> 8), static_cast<std::uint8_t>(weight),
                                   static_cast<std::uint8_t>(port >> 8), static_cast<std::uint8_t>(port)};
    auto target_name = N(target);
    auto w = target_name.wire();
    d.insert(d.end(), w.begin(), w.end());
    return Rr{N(owner), dns::RrType::SRV, 3600, d};
}

inline Rr addr_rr(const std::string& owner, const std::string& addr) {
    std::vector<std::uint8_t> d(addr.find(':') == std::string::npos ? 4 : 16);
    inet_pton(d.size() == 4 ? AF_INET : AF_INET6, addr.c_str(), d.data());
    return Rr{N(owner), d.size() == 4 ? dns::RrType::A : dns::RrType::AAAA, 3600, d};
}

class FakeDns : public DnsLookup {
public:
    /// Records are grouped by (owner, type); a name listed in `exists`
    /// without records of the asked type answers NODATA, else NXDOMAIN.
    void add(Rr rr) {
        exists_.insert(rr.owner.lowercased().to_text());
        table_[{rr.owner.lowercased().to_text(), rr.type}].push_back(std::move(rr));
    }
    void add_name(const std::string& name) { exists_.insert(N(name).lowercased().to_text()); }
    void fail(const std::string& name, dns::RrType t, LookupStatus s) { failures_[{N(name).lowercased().to_text(), t}] = s; }
    std::vector<std::string> queries;

    boost::asio::awaitable<Answer> query(dns::Name qname, dns::RrType qtype) override {
        auto key = std::make_pair(qname.lowercased().to_text(), qtype);
        queries.push_back(dns::to_text(qtype) + " " + key.first);
        Answer a;
        a.server = "fake";
        if (auto f = failures_.find(key); f != failures_.end()) {
            a.status = f->second;
            co_return a;
        }
        auto it = table_.find(key);
        if (it != table_.end()) {
            a.status = LookupStatus::Ok;
            a.records = it->second;
        } else {
            a.status = exists_.count(key.first) != 0 ? LookupStatus::NoData : LookupStatus::NxDomain;
        }
        co_return a;
    }

private:
    std::map<std::pair<std::string, dns::RrType>, std::vector<Rr>> table_;
    std::map<std::pair<std::string, dns::RrType>, LookupStatus> failures_;
    std::set<std::string> exists_;
};

/// Pearson chi-square of observed counts against expected probabilities.
inline double chi_square(const std::vector<double>& observed, const std::vector<double>& p) {
    double n = 0, chi = 0;
    for (double o : observed) n += o;
    for (std::size_t i = 0; i < p.size(); ++i) {
        double e = n * p[i];
        chi += (observed[i] - e) * (observed[i] - e) / e;
    }
    return chi;
}

template <typename T>
T run(boost::asio::awaitable<T> aw) {
    boost::asio::io_context io;
    auto fut = boost::asio::co_spawn(io, std::move(aw), boost::asio::use_future);
    io.run();
    return fut.get();
}

}  // namespace enumd::resolver::test
