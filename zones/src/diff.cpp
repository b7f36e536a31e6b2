#include "enumd/zones/diff.hpp"

#include <algorithm>
#include <map>

#include "enumd/zones/rdata_text.hpp"

namespace enumd::zones {
namespace {

struct RrsetKeyLess {
    bool operator()(const std::pair<dns::Name, dns::RrType>& a, const std::pair<dns::Name, dns::RrType>& b) const {
        int c = a.first.canonical_compare(b.first);
        if (c != 0) return c < 0;
        return static_cast<std::uint16_t>(a.second) < static_cast<std::uint16_t>(b.second);
    }
};
using RrsetMap = std::map<std::pair<dns::Name, dns::RrType>, Rrset, RrsetKeyLess>;

RrsetMap rrset_map(const Zone& zone) {
    RrsetMap m;
    for (const auto& r : zone.records) {
        auto key = std::make_pair(r.owner, r.type);
        auto it = m.find(key);
        if (it == m.end()) {
            it = m.emplace(key, Rrset{r.owner, r.type, r.ttl, {}, true}).first;
        }
        it->second.generated = it->second.generated && r.generated;
        it->second.ttl = std::min(it->second.ttl, r.ttl);
        it->second.rdatas.push_back(r.rdata);
    }
    for (auto& [key, set] : m) {
        std::sort(set.rdatas.begin(), set.rdatas.end());
        set.rdatas.erase(std::unique(set.rdatas.begin(), set.rdatas.end()), set.rdatas.end());
    }
    return m;
}

bool same(const Rrset& a, const Rrset& b) { return a.ttl == b.ttl && a.rdatas == b.rdatas; }

ZoneDiff whole(const Zone& zone, ZoneDiff::Kind kind) {
    ZoneDiff d{zone.origin, kind, {}};
    for (auto& set : rrsets_of(zone)) {
        RrsetChange c;
        if (kind == ZoneDiff::Kind::Added) {
            c.kind = RrsetChange::Kind::Added;
            c.after = std::move(set);
        } else {
            c.kind = RrsetChange::Kind::Removed;
            c.before = std::move(set);
        }
        d.changes.push_back(std::move(c));
    }
    return d;
}

const Zone* find_zone(const std::vector<Zone>& zones, const dns::Name& origin) {
    for (const auto& z : zones)
        if (z.origin.equals(origin)) return &z;
    return nullptr;
}

}  // namespace

std::vector<Rrset> rrsets_of(const Zone& zone) {
    std::vector<Rrset> out;
    for (auto& [key, set] : rrset_map(zone)) out.push_back(std::move(set));
    return out;
}

std::vector<ZoneDiff> diff_zones(const std::vector<Zone>& before, const std::vector<Zone>& after) {
    std::vector<ZoneDiff> out;
    for (const auto& old_zone : before) {
        const Zone* new_zone = find_zone(after, old_zone.origin);
        if (new_zone == nullptr) {
            out.push_back(whole(old_zone, ZoneDiff::Kind::Removed));
            continue;
        }
        RrsetMap a = rrset_map(old_zone);
        RrsetMap b = rrset_map(*new_zone);
        ZoneDiff d{old_zone.origin, ZoneDiff::Kind::Changed, {}};
        // Merge walk over both canonical orders.
        auto ia = a.begin();
        auto ib = b.begin();
        RrsetKeyLess less;
        while (ia != a.end() || ib != b.end()) {
            if (ib == b.end() || (ia != a.end() && less(ia->first, ib->first))) {
                d.changes.push_back({RrsetChange::Kind::Removed, ia->second, std::nullopt});
                ++ia;
            } else if (ia == a.end() || less(ib->first, ia->first)) {
                d.changes.push_back({RrsetChange::Kind::Added, std::nullopt, ib->second});
                ++ib;
            } else {
                if (!same(ia->second, ib->second))
                    d.changes.push_back({RrsetChange::Kind::Changed, ia->second, ib->second});
                ++ia;
                ++ib;
            }
        }
        if (!d.changes.empty()) out.push_back(std::move(d));
    }
    for (const auto& new_zone : after)
        if (find_zone(before, new_zone.origin) == nullptr) out.push_back(whole(new_zone, ZoneDiff::Kind::Added));
    return out;
}

DiffCounts count_changes(const ZoneDiff& diff) {
    DiffCounts n;
    for (const auto& c : diff.changes) {
        switch (c.kind) {
        case RrsetChange::Kind::Added: ++n.added; break;
        case RrsetChange::Kind::Removed: ++n.removed; break;
        case RrsetChange::Kind::Changed: ++n.changed; break;
        }
    }
    return n;
}

std::string diff_to_text(const std::vector<ZoneDiff>& diffs) {
    std::string out;
    for (const auto& d : diffs) {
        DiffCounts n = count_changes(d);
        out += "zone " + d.origin.to_text();
        if (d.kind == ZoneDiff::Kind::Added) out += " (new zone)";
        if (d.kind == ZoneDiff::Kind::Removed) out += " (zone removed)";
        out += ": " + std::to_string(n.added) + " RRset" + (n.added == 1 ? "" : "s") + " added, " +
               std::to_string(n.removed) + " removed, " + std::to_string(n.changed) + " changed\n";
        for (const auto& c : d.changes) {
            const Rrset& head = c.after ? *c.after : *c.before;
            std::string title = head.owner.to_text() + " " + dns::to_text(head.type);
            // Generated on both sides: a consequence of a range or block, not a typed change.
            bool generated = (!c.before || c.before->generated) && (!c.after || c.after->generated);
            std::string gen = generated ? ", generated" : "";
            auto line = [&](char mark, const std::vector<std::uint8_t>& rdata) {
                out += mark;
                out += "     ";
                out += rdata_to_text(head.type, rdata);
                out += '\n';
            };
            switch (c.kind) {
            case RrsetChange::Kind::Added:
                out += "+ " + title + " (added, TTL " + std::to_string(c.after->ttl) + gen + ")\n";
                for (const auto& r : c.after->rdatas) line('+', r);
                break;
            case RrsetChange::Kind::Removed:
                out += "- " + title + " (removed, TTL " + std::to_string(c.before->ttl) + gen + ")\n";
                for (const auto& r : c.before->rdatas) line('-', r);
                break;
            case RrsetChange::Kind::Changed: {
                out += "~ " + title + " (changed, TTL " + std::to_string(c.before->ttl);
                if (c.before->ttl != c.after->ttl) out += " -> " + std::to_string(c.after->ttl);
                out += gen + ")\n";
                const auto& old_r = c.before->rdatas;
                const auto& new_r = c.after->rdatas;
                // Both sorted: one merge walk shows removed, added and kept records in order.
                std::size_t i = 0;
                std::size_t j = 0;
                while (i < old_r.size() || j < new_r.size()) {
                    if (j == new_r.size() || (i < old_r.size() && old_r[i] < new_r[j])) {
                        line('-', old_r[i++]);
                    } else if (i == old_r.size() || new_r[j] < old_r[i]) {
                        line('+', new_r[j++]);
                    } else {
                        line(' ', old_r[i]);
                        ++i;
                        ++j;
                    }
                }
                break;
            }
            }
        }
    }
    return out;
}

}  // namespace enumd::zones
