#include "enumd/resolver/epdg_select.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "enumd/numbering/gpp_names.hpp"
#include "enumd/resolver/naptr.hpp"

namespace enumd::resolver {

namespace asio = boost::asio;
using numbering::EpdgUse;
using numbering::Plmn;

const char* to_string(EpdgMethod m) noexcept {
    switch (m) {
    case EpdgMethod::Plmn: return "plmn";
    case EpdgMethod::CellularLoc: return "cellular-loc";
    case EpdgMethod::VisitedCountry: return "visited-country";
    }
    return "?";
}

std::vector<Plmn> epdg_plmn_list(const EpdgSelectInput& in) {
    // AOSP getPlmnList(): the PLMN types in KEY_EPDG_PLMN_PRIORITY_INT_ARRAY
    // order; the RPLMN only when it "isInEpdgSelectionInfo"; distinct.
    std::vector<Plmn> out;
    auto add = [&](const Plmn& p) {
        if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
    };
    auto in_selection_info = [&](const Plmn& p) {
        return std::find(in.selection_info.begin(), in.selection_info.end(), p) != in.selection_info.end();
    };
    for (auto source : in.plmn_priority) {
        switch (source) {
        case EpdgPlmnSource::Rplmn:
            if (in.registered && in_selection_info(*in.registered)) add(*in.registered);
            break;
        case EpdgPlmnSource::Hplmn:
            if (in.home) add(*in.home);
            break;
        case EpdgPlmnSource::EhplmnAll:
            for (const auto& p : in.ehplmns) add(p);
            break;
        case EpdgPlmnSource::EhplmnFirst:
            if (!in.ehplmns.empty()) add(in.ehplmns.front());
            break;
        }
    }
    return out;
}

namespace {

class Selection {
public:
    Selection(DnsLookup& dns, const EpdgSelectInput& in, EpdgSelectResult& res) : dns_(dns), in_(in), res_(res) {}

    /// A then AAAA for `fqdn` (AOSP getIP: both families, A first).
    asio::awaitable<void> resolve(EpdgMethod method, const std::string& fqdn, std::string why) {
        EpdgCandidate c{method, fqdn, "A/AAAA", std::move(why), LookupStatus::NxDomain, {}};
        auto name = dns::Name::from_text(fqdn + ".");
        if (!name) {
            c.status = LookupStatus::Malformed;
            res_.tried.push_back(std::move(c));
            co_return;
        }
        bool first = true;
        for (auto type : {dns::RrType::A, dns::RrType::AAAA}) {
            if (type == dns::RrType::AAAA && !in_.ipv6) continue;
            Answer a = co_await dns_.query(*name, type);
            res_.trace.push_back(dns::to_text(type) + " " + fqdn + " -> " + to_string(a.status));
            if (first || c.status != LookupStatus::Ok) c.status = a.status;
            first = false;
            for (const auto& rr : a.records) {
                if (auto addr = parse_address_rdata(rr.type, rr.rdata)) c.addresses.push_back(*addr);
            }
        }
        if (!c.addresses.empty()) c.status = LookupStatus::Ok;
        for (const auto& addr : c.addresses) {
            if (std::find(res_.addresses.begin(), res_.addresses.end(), addr) == res_.addresses.end()) {
                res_.addresses.push_back(addr);  // AOSP removeDuplicateIp keeps the first
            }
        }
        res_.tried.push_back(std::move(c));
    }

    EpdgUse use() const { return in_.emergency ? EpdgUse::Emergency : EpdgUse::Normal; }

    /// AOSP resolutionMethodPlmn: per PLMN of the list, the emergency name
    /// first (when emergency), then the ordinary one — "some operator doesn't
    /// support hostname with sos prefix".
    asio::awaitable<void> plmn(const std::vector<Plmn>& plmns) {
        for (const auto& p : plmns) {
            if (in_.emergency) {
                co_await resolve(EpdgMethod::Plmn, numbering::epdg_fqdn(p, EpdgUse::Emergency),
                                 "operator identifier FQDN, emergency (" + p.to_text() + ")");
            }
            co_await resolve(EpdgMethod::Plmn, numbering::epdg_fqdn(p), "operator identifier FQDN (" + p.to_text() + ")");
        }
    }

    /// AOSP resolutionMethodCellularLoc: the registered cell's LAC (GSM,
    /// WCDMA), TAC (LTE) or 5GS TAC (NR), per PLMN of the list.
    asio::awaitable<void> cellular_loc(const std::vector<Plmn>& plmns) {
        if (in_.lac) {
            for (const auto& p : plmns) {
                co_await resolve(EpdgMethod::CellularLoc, numbering::epdg_lai_fqdn(p, *in_.lac, use()),
                                 "location area (GSM/WCDMA cell) FQDN (" + p.to_text() + ")");
            }
        }
        if (in_.tac) {
            for (const auto& p : plmns) {
                co_await resolve(EpdgMethod::CellularLoc, numbering::epdg_tai_fqdn(p, *in_.tac, use()),
                                 "tracking area (LTE cell) FQDN (" + p.to_text() + ")");
            }
        }
        if (in_.tac_5gs) {
            for (const auto& p : plmns) {
                auto f = numbering::epdg_5gs_tai_fqdn(p, *in_.tac_5gs, use());
                if (f) co_await resolve(EpdgMethod::CellularLoc, *f, "5GS tracking area (NR cell) FQDN (" + p.to_text() + ")");
            }
        }
    }

    /// AOSP resolutionMethodVisitedCountry (TS 23.402 §4.5.4.4/§4.5.4.5):
    /// the registered PLMN's ePDG when it is in the selection information,
    /// then NAPTR at the visited-country name, whose "a" replacements are
    /// tried: the registered PLMN's, then those of the selection information
    /// (in its order), then the rest in NAPTR order.
    asio::awaitable<void> visited_country() {
        const std::string& mcc = *in_.visited_mcc;
        std::optional<std::string> registered_fqdn;
        if (in_.registered) {
            registered_fqdn = numbering::epdg_fqdn(*in_.registered, use());
            if (std::find(in_.selection_info.begin(), in_.selection_info.end(), *in_.registered) !=
                in_.selection_info.end()) {
                co_await resolve(EpdgMethod::VisitedCountry, *registered_fqdn,
                                 "registered PLMN " + in_.registered->to_text() + " is in the selection information");
            }
        }
        auto vc = numbering::epdg_visited_country_fqdn(mcc, use());
        if (!vc) co_return;
        EpdgCandidate q{EpdgMethod::VisitedCountry, *vc, "NAPTR", "visited-country FQDN of MCC " + mcc,
                        LookupStatus::NxDomain, {}};
        auto name = dns::Name::from_text(*vc + ".");
        std::vector<NaptrRecord> recs;
        if (name) {
            Answer a = co_await dns_.query(*name, dns::RrType::NAPTR);
            res_.trace.push_back("NAPTR " + *vc + " -> " + to_string(a.status));
            q.status = a.status;
            for (const auto& rr : a.records) {
                if (auto n = parse_naptr_rdata(rr.rdata)) recs.push_back(*n);
            }
        }
        std::stable_sort(recs.begin(), recs.end(), [](const NaptrRecord& x, const NaptrRecord& y) {
            return x.order != y.order ? x.order < y.order : x.preference < y.preference;
        });
        // AOSP keeps the targets of type A ("a" flag) only, in a LinkedHashSet.
        std::vector<std::string> targets;
        for (const auto& n : recs) {
            std::string flags = n.flags;
            std::transform(flags.begin(), flags.end(), flags.begin(),
                           [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
            if (flags != "a" || n.replacement.is_root()) continue;
            std::string t = n.replacement.lowercased().to_text();
            t.pop_back();
            if (std::find(targets.begin(), targets.end(), t) == targets.end()) targets.push_back(t);
        }
        q.addresses = targets;
        res_.tried.push_back(std::move(q));
        auto take = [&](const std::string& fqdn) {
            auto it = std::find(targets.begin(), targets.end(), fqdn);
            if (it == targets.end()) return false;
            targets.erase(it);
            return true;
        };
        if (registered_fqdn && take(*registered_fqdn)) {
            co_await resolve(EpdgMethod::VisitedCountry, *registered_fqdn, "NAPTR target of the registered PLMN");
        }
        for (const auto& p : in_.selection_info) {
            auto f = numbering::epdg_fqdn(p, use());
            if (take(f)) co_await resolve(EpdgMethod::VisitedCountry, f, "NAPTR target in the selection information");
        }
        for (const auto& t : std::vector<std::string>(targets)) {
            co_await resolve(EpdgMethod::VisitedCountry, t, "remaining NAPTR target");
        }
    }

private:
    DnsLookup& dns_;
    const EpdgSelectInput& in_;
    EpdgSelectResult& res_;
};

}  // namespace

asio::awaitable<EpdgSelectResult> select_epdg(DnsLookup& dns, EpdgSelectInput in) {
    EpdgSelectResult res;
    BudgetedLookup budgeted(dns, in.budget);
    Selection s(budgeted, in, res);
    auto plmns = epdg_plmn_list(in);
    bool visited_method = std::find(in.methods.begin(), in.methods.end(), EpdgMethod::VisitedCountry) != in.methods.end();
    // AOSP getValidatedServerList: "In the visited country" first, when the
    // carrier lists VISITED_COUNTRY; then every method in priority order.
    if (in.visited_mcc && visited_method) co_await s.visited_country();
    for (auto m : in.methods) {
        if (m == EpdgMethod::Plmn) co_await s.plmn(plmns);
        if (m == EpdgMethod::CellularLoc) co_await s.cellular_loc(plmns);
    }
    if (budgeted.exhausted()) res.trace.push_back(budgeted.reason());
    co_return res;
}

}  // namespace enumd::resolver
