#include "enumd/zones/ranges.hpp"

#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace enumd::zones {
namespace {

std::string key_of(const dns::Name& n) {
    const dns::Name lower_name = n.lowercased();  // keep the Name alive: wire() is a view
    auto w = lower_name.wire();
    return std::string(w.begin(), w.end());
}

void add_copies(std::vector<Record>& out, const PrefixRange& range, const dns::Name& owner) {
    for (const auto& t : range.records) {
        Record r = t;
        r.owner = owner;
        r.generated = true;
        out.push_back(std::move(r));
    }
}

}  // namespace

namespace {

template <typename Container>
void expand(Container& records, const std::vector<PrefixRange>& ranges, Diagnostics& diags) {
    if (ranges.empty()) return;
    // Range nodes by lowercased wire name. Lookups use string_views into an
    // owner's own wire form: an ancestor's wire is a suffix of it.
    std::vector<std::string> range_keys;
    range_keys.reserve(ranges.size());
    for (const auto& rg : ranges) range_keys.push_back(key_of(rg.node));
    std::unordered_map<std::string_view, std::size_t> range_at;
    for (std::size_t i = 0; i < ranges.size(); ++i) range_at.emplace(range_keys[i], i);

    // Pass 1: owners at or below some range (only they matter; everything
    // else, usually most of a zone, is left alone).
    std::unordered_set<std::string> has_records;  // in-range owners with records of their own
    std::unordered_set<std::string> cuts;         // in-range owners with NS: delegated away
    std::vector<dns::Name> walk;                  // names to walk up from
    for (const auto& r : records) {
        dns::Name low = r.owner.lowercased();
        auto w = low.wire();
        std::string_view wire(reinterpret_cast<const char*>(w.data()), w.size());
        std::size_t off = 0;
        while (true) {
            if (range_at.count(wire.substr(off)) != 0) {
                if (has_records.emplace(wire).second) walk.push_back(r.owner);
                if (r.type == dns::RrType::NS && off > 0) cuts.emplace(wire);
                break;
            }
            if (off >= wire.size() || wire[off] == 0) break;
            off += 1 + static_cast<unsigned char>(wire[off]);
        }
    }
    for (const auto& rg : ranges) walk.push_back(rg.node);

    std::vector<Record> out;
    // 1. The range's own wildcard.
    for (const auto& rg : ranges) {
        auto star = rg.node.prepend("*");
        if (!star) {
            diags.error(rg.loc, "range " + rg.node.to_text() + " is too long for a wildcard child: " + star.error());
            continue;
        }
        if (has_records.count(key_of(*star)) != 0) {
            diags.error(rg.loc, "the range and a raw wildcard record " + star->to_text() +
                                    " both define the same names; keep one of them");
            continue;
        }
        add_copies(out, rg, *star);
    }

    // 2./3. Names inside ranges. `inner` caches, per visited name, the index
    // of the innermost range that applies to its descendants (or npos).
    constexpr std::size_t npos = static_cast<std::size_t>(-1);
    std::unordered_map<std::string, std::size_t> inner;
    std::vector<dns::Name> chain;
    for (const auto& owner : walk) {
        // Chain from the owner up to the shallowest not-yet-visited ancestor.
        chain.clear();
        dns::Name n = owner;
        std::size_t above = npos;  // innermost range strictly above chain.back()
        while (true) {
            auto it = inner.find(key_of(n));
            if (it != inner.end()) {
                above = it->second;
                break;
            }
            chain.push_back(n);
            if (n.is_root()) break;
            n = n.parent();
        }
        // Walk down from the top of the chain.
        for (std::size_t k = chain.size(); k-- > 0;) {
            const dns::Name& name = chain[k];
            std::string key = key_of(name);
            auto own = range_at.find(key);
            bool is_range = own != range_at.end();
            // A delegation inside a range: the names at and below the cut
            // belong to the child zone, which routes them itself.
            if (above != npos && cuts.count(key) != 0) {
                inner.emplace(std::move(key), npos);
                above = npos;
                continue;
            }
            if (above != npos && !name.is_wildcard()) {
                const PrefixRange& rg = ranges[above];
                if (!is_range) {
                    auto star = name.prepend("*");
                    if (star && has_records.count(key_of(*star)) == 0) add_copies(out, rg, *star);
                }
                if (has_records.count(key) == 0) add_copies(out, rg, name);
            }
            std::size_t below = is_range ? own->second : above;
            inner.emplace(std::move(key), below);
            above = below;
        }
    }
    for (auto& r : out) records.push_back(std::move(r));
}

}  // namespace

void expand_ranges(std::vector<Record>& records, const std::vector<PrefixRange>& ranges, Diagnostics& diags) {
    expand(records, ranges, diags);
}

}  // namespace enumd::zones
