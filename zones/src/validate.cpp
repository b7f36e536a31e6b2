#include "enumd/zones/validate.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <numeric>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "enumd/dns/rdata.hpp"
#include "enumd/numbering/e164.hpp"
#include "enumd/numbering/subst_expr.hpp"
#include "enumd/zones/naptr.hpp"
#include "enumd/zones/rdata_text.hpp"

namespace enumd::zones {
namespace {

using dns::RrType;

/// Target name inside SRV / MX / NS rdata.
std::optional<dns::Name> target_of(const Record& r) {
    std::size_t off = 0;
    switch (r.type) {
        case RrType::NS:
            off = 0;
            break;
        case RrType::MX:
            off = 2;
            break;
        case RrType::SRV:
            off = 6;
            break;
        default:
            return std::nullopt;
    }
    if (r.rdata.size() <= off) return std::nullopt;
    auto n = dns::Name::from_uncompressed(std::span<const std::uint8_t>(r.rdata).subspan(off));
    if (!n) return std::nullopt;
    return *n;
}

class Validator {
   public:
    Validator(const Zone& z, Diagnostics& d) : zone_(z), diags_(d) {}

    /// The checks of each record on its own.
    void run_records() { per_record(); }

    /// The checks of owners, RRsets and the names between them.
    void run_structure() {
        const auto& recs = zone_.records;
        keys_.resize(recs.size());
        order_.resize(recs.size());
        // The owners' lookup keys in one buffer, not a string each (a heap block per record).
        std::vector<std::size_t> ends(recs.size());
        std::array<std::uint8_t, dns::kMaxLookupKey> buf{};
        key_buffer_.reserve(recs.size() * 16);
        for (std::size_t i = 0; i < recs.size(); ++i) {
            std::size_t n = recs[i].owner.to_lookup_key(buf);
            key_buffer_.append(reinterpret_cast<const char*>(buf.data()), n);
            ends[i] = key_buffer_.size();
        }
        for (std::size_t i = 0, begin = 0; i < recs.size(); begin = ends[i++])
            keys_[i] = std::string_view(key_buffer_).substr(begin, ends[i] - begin);
        std::iota(order_.begin(), order_.end(), std::size_t{0});
        std::stable_sort(order_.begin(), order_.end(), [&](std::size_t a, std::size_t b) {
            if (keys_[a] != keys_[b]) return keys_[a] < keys_[b];
            return recs[a].type < recs[b].type;
        });
        for (std::size_t i : order_) {
            if (unique_keys_.empty() || keys_[unique_keys_.back()] != keys_[i]) unique_keys_.push_back(i);
        }
        collect_names();
        per_owner();
        apex();
        delegations();
        targets();
        wildcards();
    }

   private:
    void error(const SourceLoc& loc, std::string msg) {
        if (seen_.insert(loc.to_text() + "E" + msg).second) diags_.error(loc, std::move(msg));
    }
    /// `kind`: a name of diagnostic_summary.cpp's table.
    void warning(const SourceLoc& loc, const char* kind, std::string msg) {
        if (seen_.insert(loc.to_text() + "W" + msg).second) diags_.warning(loc, kind, std::move(msg));
    }
    std::string rr_text(const Record& r) const {
        return r.owner.to_text() + " " + dns::to_text(r.type) + " " + rdata_to_text(r.type, r.rdata);
    }

    void per_record() {
        static const dns::Name kE164 = *dns::Name::from_text("e164.arpa.");
        bool public_enum = numbering::is_public_enum(zone_.origin);
        for (const auto& r : zone_.records) {
            if (!r.owner.is_subdomain_of(zone_.origin)) {
                error(r.loc, "owner " + r.owner.to_text() + " is outside the zone " + zone_.origin.to_text());
                continue;
            }
            if (r.ttl > kMaxTtl)
                error(r.loc, "TTL " + std::to_string(r.ttl) + " of " + r.owner.to_text() + " " + dns::to_text(r.type) +
                                 " is above 2147483647 (RFC 2181 §8)");
            if (r.type == RrType::SOA && !r.owner.equals(zone_.origin))
                error(r.loc,
                      "SOA record at " + r.owner.to_text() + ", which is not the zone apex " + zone_.origin.to_text());
            if (r.type == RrType::NAPTR) check_naptr_record(r);
            if (public_enum && !r.generated && r.owner.label_count() > kE164.label_count()) {
                // The label right below e164.arpa is the first digit of the country code.
                std::size_t first = r.owner.label_count() - kE164.label_count() - 1;
                if (r.owner.label(first) == "0") {
                    std::string digits;
                    for (std::size_t i = first + 1; i-- > 0;) {
                        auto l = r.owner.label(i);
                        if (l.size() != 1 || l[0] < '0' || l[0] > '9') break;
                        digits += l;
                    }
                    if (auto w = numbering::dial_prefix_warning(digits, " under e164.arpa")) warning(r.loc, "dial-prefix", *w);
                }
            }
        }
    }

    /// The fields of NAPTR rdata that decode_naptr accepts, read in place: a
    /// zone's NAPTRs repeat a few field sets, and the checks are cached by
    /// them, so most records need no decoding (and no allocation).
    static std::optional<dns::NaptrView> naptr_view(const Record& r) noexcept {
        auto v = dns::read_naptr(r.rdata);
        if (!v) return std::nullopt;
        // decode_naptr's replacement: exactly one uncompressed name, to the end of the rdata.
        auto w = v->replacement;
        std::size_t pos = 0;
        while (pos < w.size() && w[pos] != 0) {
            if (w[pos] > dns::kMaxLabelLength) return std::nullopt;
            pos += 1 + w[pos];
        }
        if (pos >= w.size() || pos + 1 > dns::kMaxNameLength || pos + 1 != w.size()) return std::nullopt;
        return v;
    }

    static void append(std::string& s, std::span<const std::uint8_t> b) {
        s.append(reinterpret_cast<const char*>(b.data()), b.size());
    }

    void check_naptr_record(const Record& r) {
        auto v = naptr_view(r);
        if (!v) {
            error(r.loc, "NAPTR rdata at " + r.owner.to_text() + " is malformed");
            return;
        }
        std::string& ck = naptr_key_;
        ck.clear();
        append(ck, v->flags);
        ck += '\0';
        append(ck, v->services);
        ck += '\0';
        append(ck, v->regexp);
        ck += '\0';
        ck += v->replacement.size() == 1 ? "." : "x";
        auto it = naptr_cache_.find(ck);
        if (it == naptr_cache_.end()) {
            // Bounded: a zone whose every number has its own regexp (the number written into the URI) never
            // hits, and a cache of a million entries cost more than the checks it saved (1.38M records:
            // hash tables, their pages and their destruction were a fifth of the compile).
            if (naptr_cache_.size() >= kNaptrCacheEntries) naptr_cache_.clear();
            // The reading warning depends on the regexp alone, so it is remembered with the rest (one
            // decode, one look at the regexp: regexps_ answers its second question from its last text).
            auto n = decode_naptr(r.rdata);
            it = naptr_cache_.emplace(ck, NaptrChecked{check_naptr(*n, regexps_), naptr_reading_warning(*n, regexps_)})
                     .first;
        }
        for (const auto& p : it->second.problems) error(r.loc, p + " (at " + r.owner.to_text() + ")");
        if (it->second.reading)
            warning(r.loc, "naptr-partial-match", *it->second.reading + " (at " + r.owner.to_text() + ")");
    }

    void collect_names() {
        for (const auto& r : zone_.records) {
            if (r.type == RrType::CNAME) cname_owners_.insert(r.owner.to_lookup_key());
            if (r.type == RrType::NS && !r.owner.equals(zone_.origin)) cuts_.insert(r.owner.to_lookup_key());
            if (r.type == RrType::NS) {
                if (auto t = target_of(r)) ns_targets_.insert(t->to_lookup_key());
            }
        }
    }

    void per_owner() {
        const auto& recs = zone_.records;
        std::size_t i = 0;
        while (i < order_.size()) {
            std::size_t j = i;
            while (j < order_.size() && keys_[order_[j]] == keys_[order_[i]]) ++j;
            owner_group(i, j);
            i = j;
        }
        (void)recs;
    }

    void owner_group(std::size_t from, std::size_t to) {
        const auto& recs = zone_.records;
        // Duplicates: same type and rdata. (One buffer for every owner, and no sort of one record:
        // most owners have one or two, and a stable sort allocates.)
        std::vector<std::size_t>& g = group_;
        g.assign(order_.begin() + static_cast<std::ptrdiff_t>(from), order_.begin() + static_cast<std::ptrdiff_t>(to));
        if (g.size() > 1)
            std::stable_sort(g.begin(), g.end(), [&](std::size_t a, std::size_t b) {
                if (recs[a].type != recs[b].type) return recs[a].type < recs[b].type;
                return rdata_less(recs[a].rdata, recs[b].rdata);
            });
        for (std::size_t k = 1; k < g.size(); ++k) {
            const Record& a = recs[g[k - 1]];
            const Record& b = recs[g[k]];
            if (a.type == b.type && a.rdata == b.rdata)
                error(b.loc, "duplicate record " + rr_text(b) + " (first at " + a.loc.to_text() + ")");
        }
        // RFC 2181 §5.2: an RRset has one TTL; the store serves the lowest.
        for (std::size_t a = 0; a < g.size();) {
            std::size_t b = a;
            std::uint32_t lo = recs[g[a]].ttl;
            std::uint32_t hi = lo;
            const Record* odd = nullptr;
            while (b < g.size() && recs[g[b]].type == recs[g[a]].type) {
                const Record& r = recs[g[b]];
                if (r.ttl != recs[g[a]].ttl && odd == nullptr) odd = &r;
                lo = std::min(lo, r.ttl);
                hi = std::max(hi, r.ttl);
                ++b;
            }
            if (odd != nullptr && !odd->generated)
                warning(odd->loc, "ttl-mismatch", "the " + dns::to_text(odd->type) + " records at " + odd->owner.to_text() +
                                      " have different TTLs (" + std::to_string(lo) + " to " + std::to_string(hi) +
                                      "): an RRset has one TTL (RFC 2181 §5.2), so " + std::to_string(lo) +
                                      " is served for all of them");
            a = b;
        }
        // CNAME and other data (RFC 1034 §3.6.2, RFC 2181 §10.1).
        const Record* cname = nullptr;
        const Record* other = nullptr;
        std::size_t cnames = 0;
        for (std::size_t idx : g) {
            const Record& r = recs[idx];
            if (r.type == RrType::CNAME) {
                ++cnames;
                if (cname == nullptr) cname = &r;
            } else if (r.type != RrType::RRSIG && r.type != RrType::NSEC && other == nullptr) {
                other = &r;
            }
        }
        if (cname != nullptr && other != nullptr)
            error(cname->loc, "CNAME at " + cname->owner.to_text() + " beside other data (" +
                                  dns::to_text(other->type) + " at " + other->loc.to_text() +
                                  "): a CNAME owner can have no other records (RFC 2181 §10.1)");
        if (cnames > 1) error(cname->loc, "more than one CNAME at " + cname->owner.to_text() + " (RFC 2181 §10.1)");
        // NAPTR preferences that look like weights (RFC 3403 §4.1: preference
        // orders records of equal order; it does not share load).
        // The "u" NAPTRs by order (ascending), each order's in record order; fewer than two warn of nothing.
        auto& by_order = u_naptrs_;
        by_order.clear();
        for (std::size_t idx : g) {
            const Record& r = recs[idx];
            if (r.type != RrType::NAPTR || r.generated) continue;
            auto n = naptr_view(r);
            if (!n || n->flags.size() != 1 || (n->flags[0] != 'u' && n->flags[0] != 'U')) continue;
            by_order.push_back({n->order, n->preference, &r});
        }
        if (by_order.size() < 2) return;
        std::stable_sort(by_order.begin(), by_order.end(),
                         [](const UNaptr& a, const UNaptr& b) { return a.order < b.order; });
        for (std::size_t a = 0, b = 0; a < by_order.size(); a = b) {
            std::uint16_t ord = by_order[a].order;
            auto& list = order_list_;
            list.clear();
            for (b = a; b < by_order.size() && by_order[b].order == ord; ++b)
                list.emplace_back(by_order[b].preference, by_order[b].record);
            std::sort(list.begin(), list.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
            if (list.front().first == list.back().first) continue;
            std::string prefs;
            for (const auto& [p, r] : list) {
                if (!prefs.empty()) prefs += '/';
                prefs += std::to_string(p);
            }
            warning(list.back().second->loc, "naptr-preference",
                    "NAPTRs at " + list.front().second->owner.to_text() + " with order " + std::to_string(ord) +
                        " have preferences " + prefs +
                        ": preference is an order, not a weight — clients use preference " +
                        std::to_string(list.front().first) +
                        " and try the others only if it fails (RFC 3403 §4.1); use equal preferences to share load");
        }
    }

    void apex() {
        std::size_t soa = 0;
        std::size_t ns = 0;
        for (const auto& r : zone_.records) {
            if (!r.owner.equals(zone_.origin)) continue;
            if (r.type == RrType::SOA) ++soa;
            if (r.type == RrType::NS) ++ns;
        }
        if (soa == 0) error(zone_.loc, "zone " + zone_.origin.to_text() + " has no SOA record");
        if (soa > 1)
            error(zone_.loc, "zone " + zone_.origin.to_text() + " has " + std::to_string(soa) + " SOA records");
        if (ns == 0) error(zone_.loc, "zone " + zone_.origin.to_text() + " has no NS records at its apex");
    }

    void delegations() {
        if (cuts_.empty()) return;
        struct Occluded {
            SourceLoc first;
            std::size_t count = 0;
        };
        std::map<std::string, std::pair<dns::Name, Occluded>> occluded;  // per delegation, in key order
        auto hidden = [&](const Record& r, const dns::Name& cut, std::string msg) {
            if (!zone_.occluded_allowed) {
                error(r.loc, dns::to_text(r.type) + " record at " + r.owner.to_text() + msg);
                return;
            }
            ++occluded.try_emplace(cut.to_lookup_key(), cut, Occluded{r.loc, 0}).first->second.second.count;
        };
        for (const auto& r : zone_.records) {
            if (!r.owner.is_subdomain_of(zone_.origin) || r.owner.equals(zone_.origin)) continue;
            bool glue_ok =
                (r.type == RrType::A || r.type == RrType::AAAA) && ns_targets_.count(r.owner.to_lookup_key()) != 0;
            if (cuts_.count(r.owner.to_lookup_key()) != 0) {
                if (r.type != RrType::NS && r.type != RrType::DS && !glue_ok)
                    hidden(r, r.owner,
                           " sits beside a delegation (NS) there and would never be answered: "
                           "only NS, DS and glue belong at a zone cut (RFC 1034 §4.2.1)");
                continue;
            }
            dns::Name n = r.owner.parent();
            while (n.label_count() > zone_.origin.label_count()) {
                if (cuts_.count(n.to_lookup_key()) != 0) {
                    if (!glue_ok)
                        hidden(r, n,
                               " is hidden under the delegation at " + n.to_text() +
                                   ": only glue addresses of NS targets belong below a zone cut (RFC 1034 §4.2.1)");
                    break;
                }
                n = n.parent();
            }
        }
        // RFC 1035 input loads like Knot, NSD and BIND load it: the data stays
        // (transfers carry it) and answers go by the delegation (RFC 1034 §4.3.2
        // step 3b), so it is never served. One warning per delegation.
        for (const auto& [key, entry] : occluded) {
            const auto& [cut, o] = entry;
            std::string what =
                o.count == 1 ? "1 record (this one) at or below the delegation at " + cut.to_text() + " is"
                             : std::to_string(o.count) + " records (the first here) at or below the delegation at " +
                                   cut.to_text() + " are";
            warning(o.first, "occluded", what +
                                 " occluded: loaded but never answered, because only NS, DS and glue belong at or "
                                 "below a zone cut (RFC 1034 §4.2.1)");
        }
    }

    void targets() {
        if (cname_owners_.empty()) return;
        for (const auto& r : zone_.records) {
            auto t = target_of(r);
            if (!t || !t->is_subdomain_of(zone_.origin)) continue;
            if (cname_owners_.count(t->to_lookup_key()) != 0)
                error(r.loc, dns::to_text(r.type) + " target " + t->to_text() + " of " + r.owner.to_text() +
                                 " is a CNAME in this zone; it must name the host itself (RFC 2181 §10.3, RFC 2782)");
        }
    }

    void wildcards() {
        std::unordered_set<std::string> done;
        for (const auto& r : zone_.records) {
            if (r.generated || !r.owner.is_wildcard()) continue;
            if (!done.insert(r.owner.to_lookup_key()).second) continue;
            dns::Name parent = r.owner.parent();
            std::string pk = parent.to_lookup_key();
            std::string sk = r.owner.to_lookup_key();
            auto it = std::upper_bound(unique_keys_.begin(), unique_keys_.end(), pk,
                                       [&](const std::string& k, std::size_t idx) { return k < keys_[idx]; });
            for (; it != unique_keys_.end() && keys_[*it].compare(0, pk.size(), pk) == 0; ++it) {
                std::string_view key = keys_[*it];
                if (key.compare(0, sk.size(), sk) == 0) continue;  // inside the wildcard's own subtree
                auto below = dns::Name::from_lookup_key(
                    std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(key.data()), key.size()));
                if (!below) break;
                dns::Name child = below->parent(below->label_count() - parent.label_count() - 1);
                warning(r.loc, "wildcard-shadowed", "wildcard " + r.owner.to_text() + " is shadowed: " + below->to_text() +
                                   " exists below " + parent.to_text() + ", so names under " + child.to_text() +
                                   " do not match the wildcard and get NXDOMAIN (RFC 4592 §2.2.1); for a number range "
                                   "write it as a prefix in `numbers` (\"+...*\"), which keeps the prefix meaning");
                break;
            }
        }
    }

    const Zone& zone_;
    Diagnostics& diags_;
    std::string key_buffer_;
    std::vector<std::string_view> keys_;  ///< per record, into key_buffer_
    std::vector<std::size_t> order_;
    std::vector<std::size_t> unique_keys_;  ///< one record index per owner, in canonical order
    // Buffers reused from record to record and owner to owner.
    struct UNaptr {
        std::uint16_t order = 0;
        std::uint16_t preference = 0;
        const Record* record = nullptr;
    };
    std::vector<std::size_t> group_;
    std::vector<UNaptr> u_naptrs_;
    std::vector<std::pair<std::uint16_t, const Record*>> order_list_;
    std::string naptr_key_;
    std::unordered_set<std::string> seen_;
    /// Distinct NAPTRs remembered by the caches below: far more than the route sets of a carrier zone.
    static constexpr std::size_t kNaptrCacheEntries = 4096;
    struct NaptrChecked {
        std::vector<std::string> problems;    ///< check_naptr
        std::optional<std::string> reading;  ///< naptr_reading_warning
    };
    std::unordered_map<std::string, NaptrChecked> naptr_cache_;
    /// The misses' regexps: each distinct ERE compiled once (a zone whose every number has its own
    /// replacement misses the cache above on every record, and has a few EREs).
    numbering::SubstExprChecker regexps_;
    std::unordered_set<std::string> cname_owners_;
    std::unordered_set<std::string> cuts_;
    std::unordered_set<std::string> ns_targets_;
};

}  // namespace

void validate_records(const Zone& zone, Diagnostics& diags) {
    Validator(zone, diags).run_records();
}

void validate_structure(const Zone& zone, Diagnostics& diags) {
    Validator(zone, diags).run_structure();
    validate_views(zone, diags);
}

void validate_zone(const Zone& zone, Diagnostics& diags) {
    validate_records(zone, diags);
    validate_structure(zone, diags);
}

}  // namespace enumd::zones
