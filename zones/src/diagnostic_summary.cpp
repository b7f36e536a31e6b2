#include "enumd/zones/diagnostic_summary.hpp"

#include <map>

namespace enumd::zones {
namespace {

constexpr WarningKind kKinds[] = {
    {"naptr-preference", "NAPTRs of one order with different preferences (preference is an order, not a weight)"},
    {"dial-prefix", "a number under e164.arpa starting with 0 (a dial prefix where the country code belongs)"},
    {"numbering-plan", "a number that cannot exist in its country: no such country code, or a length its plan has not "
                       "(libphonenumber; enumctl check only)"},
    {"ttl-mismatch", "records of one RRset with different TTLs (RFC 2181 §5.2: the lowest is served)"},
    {"wildcard-shadowed", "a raw wildcard that names below its parent hide (RFC 4592 §2.2.1)"},
    {"duplicate", "exact duplicate records in an RFC 1035 zone file, merged"},
    {"occluded", "records at or below a delegation that are loaded but never answered"},
    {"naptr-partial-match", "a NAPTR regexp that may match only part of the number: its result depends on the "
                            "client (sed-style keeps the rest, RFC 3402 §3.2; Kamailio and Asterisk drop it)"},
    {"other", "any other warning"},
};

}  // namespace

std::span<const WarningKind> warning_kinds() noexcept { return kKinds; }

bool is_warning_kind(std::string_view name) noexcept {
    for (const auto& k : kKinds)
        if (k.name == name) return true;
    return false;
}

std::string warning_kind_names() {
    std::string s;
    for (const auto& k : kKinds) {
        if (!s.empty()) s += ", ";
        s += k.name;
    }
    return s;
}

Summary summarise(const std::vector<Diagnostic>& items, const SummaryOptions& options) {
    Summary s;
    std::map<std::string, std::size_t, std::less<>> shown;
    std::map<std::string, std::size_t, std::less<>> index;  // kind → position in s.more
    for (const auto& d : items) {
        if (d.severity == Diagnostic::Severity::Error) {
            ++s.errors;
            s.shown.push_back(&d);  // errors are never hidden
            continue;
        }
        ++s.warnings;
        const std::string_view kind = d.kind.empty() ? std::string_view("other") : std::string_view(d.kind);
        if (options.silenced.count(kind) != 0) {
            ++s.silenced;
            continue;
        }
        auto it = shown.try_emplace(std::string(kind), 0).first;
        if (options.all || it->second < options.per_kind) {
            ++it->second;
            s.shown.push_back(&d);
            continue;
        }
        auto [pos, fresh] = index.try_emplace(std::string(kind), s.more.size());
        if (fresh) s.more.emplace_back(std::string(kind), 0);
        ++s.more[pos->second].second;
    }
    return s;
}

std::vector<std::string> Summary::lines() const {
    std::vector<std::string> out;
    out.reserve(shown.size() + more.size());
    for (const Diagnostic* d : shown) {
        if (d->severity == Diagnostic::Severity::Error)
            out.push_back(d->to_text());
        else
            out.push_back(d->to_text() + " [" + (d->kind.empty() ? std::string("other") : d->kind) + "]");
    }
    for (const auto& [kind, n] : more)
        out.push_back("... and " + std::to_string(n) + " more " + kind + " warning" + (n == 1 ? "" : "s") +
                      " (--all-warnings shows them, --no-warn " + kind + " silences them)");
    return out;
}

}  // namespace enumd::zones
