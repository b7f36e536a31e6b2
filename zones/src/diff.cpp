#include "enumd/zones/diff.hpp"

#include <algorithm>

#include "enumd/dns/serial.hpp"
#include "enumd/zones/rdata_text.hpp"

namespace enumd::zones {
namespace {

/// RRsets with their sort key: the owner's lookup key (whose byte order is
/// the canonical name order, name.hpp) and the type.
struct KeyedRrset {
    std::string key;
    std::uint16_t type = 0;
    Rrset set;
};

bool key_less(const KeyedRrset& a, const KeyedRrset& b) {
    return a.key != b.key ? a.key < b.key : a.type < b.type;
}

/// One sort of all records, then one pass that groups them: a million-record
/// zone diffs in seconds, where a map of names compared label by label did not.
std::vector<KeyedRrset> keyed_rrsets(const Zone& zone) {
    struct Entry {
        std::string key;
        const Record* rec;
    };
    std::vector<Entry> entries;
    entries.reserve(zone.records.size());
    for (const auto& r : zone.records) entries.push_back({r.owner.to_lookup_key(), &r});
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
        if (a.key != b.key) return a.key < b.key;
        if (a.rec->type != b.rec->type) return a.rec->type < b.rec->type;
        return rdata_less(a.rec->rdata, b.rec->rdata);
    });
    std::vector<KeyedRrset> out;
    for (const auto& e : entries) {
        const Record& r = *e.rec;
        auto type = static_cast<std::uint16_t>(r.type);
        if (out.empty() || out.back().key != e.key || out.back().type != type)
            out.push_back({e.key, type, Rrset{r.owner, r.type, r.ttl, {}, true}});
        Rrset& set = out.back().set;
        set.ttl = std::min(set.ttl, r.ttl);
        set.generated = set.generated && r.generated;
        if (set.rdatas.empty() || set.rdatas.back() != r.rdata) set.rdatas.push_back(r.rdata);
    }
    return out;
}

bool same(const Rrset& a, const Rrset& b) {
    return a.ttl == b.ttl && a.rdatas == b.rdatas;
}

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
    for (auto& k : keyed_rrsets(zone)) out.push_back(std::move(k.set));
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
        auto a = keyed_rrsets(old_zone);
        auto b = keyed_rrsets(*new_zone);
        ZoneDiff d{old_zone.origin, ZoneDiff::Kind::Changed, {}};
        // Merge walk over both canonical orders.
        std::size_t i = 0;
        std::size_t j = 0;
        while (i < a.size() || j < b.size()) {
            if (j == b.size() || (i < a.size() && key_less(a[i], b[j]))) {
                d.changes.push_back({RrsetChange::Kind::Removed, std::move(a[i].set), std::nullopt});
                ++i;
            } else if (i == a.size() || key_less(b[j], a[i])) {
                d.changes.push_back({RrsetChange::Kind::Added, std::nullopt, std::move(b[j].set)});
                ++j;
            } else {
                if (!same(a[i].set, b[j].set))
                    d.changes.push_back({RrsetChange::Kind::Changed, std::move(a[i].set), std::move(b[j].set)});
                ++i;
                ++j;
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
            case RrsetChange::Kind::Added:
                ++n.added;
                break;
            case RrsetChange::Kind::Removed:
                ++n.removed;
                break;
            case RrsetChange::Kind::Changed:
                ++n.changed;
                break;
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

namespace enumd::zones {
namespace {

std::optional<std::uint32_t> apex_serial(const Zone& zone) {
    for (const auto& r : zone.records) {
        if (r.type != dns::RrType::SOA || !(r.owner == zone.origin)) continue;
        if (auto soa = parse_soa(r.rdata)) return soa->serial;
    }
    return std::nullopt;
}

}  // namespace

std::vector<std::string> serial_problems(const std::vector<Zone>& before, const std::vector<Zone>& after,
                                         const std::vector<ZoneDiff>& diffs) {
    std::vector<std::string> out;
    for (const auto& d : diffs) {
        if (d.kind != ZoneDiff::Kind::Changed) continue;
        const Zone* a = find_zone(before, d.origin);
        const Zone* b = find_zone(after, d.origin);
        if (a == nullptr || b == nullptr || a->auto_serial || b->auto_serial) continue;  // auto: compile bumps it
        auto old_serial = apex_serial(*a);
        auto new_serial = apex_serial(*b);
        if (!old_serial || !new_serial) continue;
        bool content = false;  // anything but the SOA
        for (const auto& c : d.changes) {
            const Rrset& set = c.after ? *c.after : *c.before;
            content = content || set.type != dns::RrType::SOA || !(set.owner == d.origin);
        }
        const std::string zone = "zone " + d.origin.to_text() + ": ";
        if (content && *new_serial == *old_serial) {
            out.push_back(zone + "content changed but serial " + std::to_string(*new_serial) +
                          " unchanged: secondaries will not pick this up");
        } else if (*new_serial != *old_serial &&
                   (!dns::serial_gt(*new_serial, *old_serial) || *new_serial - *old_serial == 0x80000000u)) {
            // RFC 1982 §3.2: secondaries transfer only when the primary's serial is greater (2^31 ahead: undefined).
            out.push_back(zone + "serial goes from " + std::to_string(*old_serial) + " to " +
                          std::to_string(*new_serial) +
                          ", which is not newer (RFC 1982): secondaries will not pick this up");
        }
    }
    return out;
}

}  // namespace enumd::zones
