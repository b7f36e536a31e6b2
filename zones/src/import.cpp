#include "enumd/zones/import.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "enumd/numbering/e164.hpp"
#include "enumd/numbering/enumservice.hpp"
#include "enumd/numbering/plmn.hpp"
#include "enumd/numbering/subst_expr.hpp"
#include "enumd/zones/diff.hpp"
#include "enumd/zones/export.hpp"
#include "enumd/zones/naptr.hpp"
#include "enumd/zones/ranges.hpp"
#include "enumd/zones/rdata_text.hpp"
#include "enumd/zones/yaml_loader.hpp"

namespace enumd::zones {
namespace {

using dns::Name;
using dns::RrType;

/// (type, ttl, rdata): what a node holds, compared as a sorted unique list.
using RecTuple = std::tuple<std::uint16_t, std::uint32_t, std::vector<std::uint8_t>>;

struct Node {
    Name name;
    std::vector<const Record*> records;
    std::vector<RecTuple> content;  ///< sorted, unique
};

/// Nodes by lookup key: canonical order, and a descendant's key starts with
/// its ancestor's key (name.hpp), so "has descendants" is one look at the
/// next key.
using NodeMap = std::map<std::string, Node>;

NodeMap nodes_of(const std::vector<Record>& records) {
    NodeMap m;
    for (const auto& r : records) {
        auto [it, fresh] = m.try_emplace(r.owner.to_lookup_key(), Node{r.owner, {}, {}});
        it->second.records.push_back(&r);
        it->second.content.emplace_back(static_cast<std::uint16_t>(r.type), r.ttl, r.rdata);
    }
    for (auto& [k, n] : m) {
        std::sort(n.content.begin(), n.content.end());
        n.content.erase(std::unique(n.content.begin(), n.content.end()), n.content.end());
    }
    return m;
}

bool has_descendant(const NodeMap& nodes, NodeMap::const_iterator it) {
    auto next = std::next(it);
    return next != nodes.end() && next->first.size() > it->first.size() &&
           next->first.compare(0, it->first.size(), it->first) == 0;
}

const std::vector<RecTuple>* content_at(const NodeMap& nodes, const Name& name) {
    auto it = nodes.find(name.to_lookup_key());
    return it == nodes.end() ? nullptr : &it->second.content;
}

/// Which wildcards are prefix ranges and which records the range expansion
/// regenerates (so the YAML leaves them out).
struct RangePlan {
    std::set<std::string> ranges;   ///< lookup keys of range nodes P (for "*.P")
    std::set<std::string> dropped;  ///< owner keys whose records are not written
    std::size_t raw_wildcards = 0;
};

struct Candidate {
    Name node;        ///< P
    Name wildcard;    ///< *.P
    std::string key;  ///< P's lookup key
};

/// Guess, expand, compare, demote. A guess takes every wildcard *.P over
/// digit labels holding only NAPTRs as a range, except those equal to the
/// innermost range above (the expansion's copies), and drops the copies an
/// exception's empty non-terminals carry. The guess is expanded with the
/// compiler's own expand_ranges and compared node by node with the input;
/// the innermost range around a mismatch is demoted to a raw wildcard and
/// the guess repeated. Each round demotes one range or more, so at most
/// (candidates + 1) rounds.
RangePlan plan_ranges(const Zone& zone, const NodeMap& nodes) {
    std::vector<Candidate> cands;
    for (const auto& [key, node] : nodes) {
        if (!node.name.is_wildcard() || node.name.label_count() <= zone.origin.label_count()) continue;
        Name p = node.name.parent();
        auto digits = numbering::digits_from_owner(p, zone.origin);
        if (!digits || digits->empty() || digits->size() > numbering::kMaxE164Digits) continue;
        bool only_naptr = std::all_of(node.records.begin(), node.records.end(), [](const Record* r) {
            return r->type == RrType::NAPTR && decode_naptr(r->rdata).has_value();
        });
        if (!only_naptr) continue;
        cands.push_back({p, node.name, p.to_lookup_key()});
    }
    std::stable_sort(cands.begin(), cands.end(), [](const Candidate& a, const Candidate& b) {
        return a.node.label_count() < b.node.label_count();
    });

    std::set<std::string> forced;  // demoted: raw wildcards
    RangePlan plan;
    for (std::size_t round = 0; round <= cands.size(); ++round) {
        plan = RangePlan{};
        std::map<std::string, const Candidate*> in_plan;
        auto innermost_above = [&](const Name& n) -> const Candidate* {
            // Nearest range strictly above `n` (n itself excluded).
            for (Name a = n; a.label_count() > zone.origin.label_count();) {
                a = a.parent();
                auto it = in_plan.find(a.to_lookup_key());
                if (it != in_plan.end()) return it->second;
                if (a.label_count() <= zone.origin.label_count()) break;
            }
            return nullptr;
        };
        for (const auto& c : cands) {
            if (forced.count(c.key) != 0) continue;
            const Candidate* q = innermost_above(c.node);
            if (q != nullptr && *content_at(nodes, c.wildcard) == *content_at(nodes, q->wildcard)) {
                plan.dropped.insert(c.wildcard.to_lookup_key());  // a copy made by rule 2
                continue;
            }
            in_plan.emplace(c.key, &c);
            plan.ranges.insert(c.key);
            plan.dropped.insert(c.wildcard.to_lookup_key());
        }
        if (plan.ranges.empty()) break;
        // Rule 3 copies: a name inside a range with something below it that
        // holds exactly the range's records.
        for (auto it = nodes.begin(); it != nodes.end(); ++it) {
            if (it->second.name.is_wildcard() || plan.dropped.count(it->first) != 0) continue;
            const Candidate* q = innermost_above(it->second.name);
            if (q != nullptr && has_descendant(nodes, it) && it->second.content == *content_at(nodes, q->wildcard))
                plan.dropped.insert(it->first);
        }
        // Expand the guess with the compiler's rules and compare, inside the
        // ranges' subtrees only (the expansion never writes elsewhere): the
        // nodes whose keys start with a range's key.
        std::set<std::string> inside;
        for (const auto& [rk, c] : in_plan)
            for (auto it = nodes.lower_bound(rk); it != nodes.end() && it->first.compare(0, rk.size(), rk) == 0; ++it)
                inside.insert(it->first);
        std::vector<Record> typed;
        for (const auto& key : inside)
            if (plan.dropped.count(key) == 0)
                for (const Record* r : nodes.at(key).records) typed.push_back(*r);
        std::vector<PrefixRange> ranges;
        for (const auto& [key, c] : in_plan) {
            PrefixRange pr{c->node, {}, {}};
            for (const Record* r : nodes.at(c->wildcard.to_lookup_key()).records) pr.records.push_back(*r);
            ranges.push_back(std::move(pr));
        }
        Diagnostics scratch;
        expand_ranges(typed, ranges, scratch);
        NodeMap expanded = nodes_of(typed);
        std::set<std::string> mismatched;
        for (const auto& key : inside) {
            auto e = expanded.find(key);
            if (e == expanded.end() || e->second.content != nodes.at(key).content) mismatched.insert(key);
        }
        for (const auto& [key, n] : expanded)
            if (inside.count(key) == 0) mismatched.insert(key);
        if (mismatched.empty() && !scratch.has_errors()) break;
        std::size_t before = forced.size();
        for (const auto& key : mismatched) {
            // The innermost planned range whose subtree holds the mismatch.
            const Candidate* best = nullptr;
            for (const auto& [rk, c] : in_plan) {
                if (key.size() >= rk.size() && key.compare(0, rk.size(), rk) == 0 &&
                    (best == nullptr || rk.size() > best->key.size()))
                    best = c;
            }
            if (best != nullptr) forced.insert(best->key);
        }
        if (forced.size() == before || scratch.has_errors()) {
            // A mismatch no range explains: keep every wildcard raw.
            for (const auto& c : cands) forced.insert(c.key);
        }
    }
    if (plan.ranges.empty()) plan.dropped.clear();
    for (const auto& c : cands)
        if (plan.ranges.count(c.key) == 0 && plan.dropped.count(c.wildcard.to_lookup_key()) == 0) ++plan.raw_wildcards;
    return plan;
}

/// The URI a NAPTR regexp was made from by the shorthand (subst_expr_for_uri),
/// or nothing. Checked by running the shorthand forward on the result.
std::optional<std::string> uri_of_regexp(const std::string& regexp) {
    if (regexp.size() < 3) return std::nullopt;
    char d = regexp[0];
    if (regexp.back() != d) return std::nullopt;
    struct Form {
        std::string_view pattern;
        std::string_view placeholder;
    };
    for (Form f : {Form{"^.*$", ""}, Form{"^(.*)$", "{number}"}, Form{"^\\+(.*)$", "{digits}"}}) {
        std::string head = std::string(1, d) + std::string(f.pattern) + d;
        if (regexp.size() < head.size() + 1 || regexp.compare(0, head.size(), head) != 0) continue;
        std::string repl = regexp.substr(head.size(), regexp.size() - head.size() - 1);
        std::string uri;
        bool ok = true;
        for (std::size_t i = 0; i < repl.size() && ok; ++i) {
            if (repl[i] != '\\') {
                uri += repl[i];
                continue;
            }
            if (i + 1 == repl.size()) {
                ok = false;
                break;
            }
            char nx = repl[++i];
            if (nx == '1' && !f.placeholder.empty())
                uri += f.placeholder;
            else if (nx == '\\' || nx == d)
                uri += nx;
            else
                ok = false;
        }
        if (!ok) continue;
        auto forward = numbering::subst_expr_for_uri(uri);
        if (forward && *forward == regexp) return uri;
    }
    return std::nullopt;
}

/// One NAPTR in the friendliest form that regenerates it exactly.
void emit_naptr(YAML::Emitter& out, const Record& r, std::uint32_t number_ttl, ImportReport& rep) {
    auto n = decode_naptr(r.rdata);
    if (n && n->flags == "u" && n->replacement.is_root()) {
        if (auto uri = uri_of_regexp(n->regexp)) {
            auto service = numbering::service_for_uri(*uri);
            bool default_service = service && *service == n->service;
            ++rep.naptr_shorthands;
            if (n->order == 10 && n->preference == 100 && default_service && r.ttl == number_ttl) {
                out << *uri;
                return;
            }
            out << YAML::Flow << YAML::BeginMap << YAML::Key << "uri" << YAML::Value << *uri;
            if (n->order != 10) out << YAML::Key << "order" << YAML::Value << n->order;
            if (n->preference != 100) out << YAML::Key << "preference" << YAML::Value << n->preference;
            if (!default_service) out << YAML::Key << "service" << YAML::Value << YAML::DoubleQuoted << n->service;
            if (r.ttl != number_ttl) out << YAML::Key << "ttl" << YAML::Value << r.ttl;
            out << YAML::EndMap;
            return;
        }
    }
    // The full fields (RFC 3403 §4.1); strings as their octets.
    out << YAML::Flow << YAML::BeginMap;
    out << YAML::Key << "order" << YAML::Value << n->order;
    out << YAML::Key << "preference" << YAML::Value << n->preference;
    out << YAML::Key << "flags" << YAML::Value << YAML::DoubleQuoted << n->flags;
    out << YAML::Key << "service" << YAML::Value << YAML::DoubleQuoted << n->service;
    if (!n->regexp.empty()) out << YAML::Key << "regexp" << YAML::Value << YAML::SingleQuoted << n->regexp;
    if (!n->replacement.is_root()) out << YAML::Key << "replacement" << YAML::Value << n->replacement.to_text();
    if (r.ttl != number_ttl) out << YAML::Key << "ttl" << YAML::Value << r.ttl;
    out << YAML::EndMap;
}

/// Strings YAML could take for something else are quoted by yaml-cpp; data
/// with quotes and backslashes goes single-quoted so backslashes stay literal.
void emit_data(YAML::Emitter& out, const std::string& s) {
    if (s.find('\'') == std::string::npos && s.find('\n') == std::string::npos)
        out << YAML::SingleQuoted << s;
    else
        out << YAML::DoubleQuoted << s;
}

/// The PLMN of an ePDG name epdg.epc.mncXXX.mccYYY.pub.3gppnetwork.org.
/// (TS 23.003 §19.4.2.9); the MNC as the name spells it, three digits.
std::optional<numbering::Plmn> plmn_of_epdg(const Name& owner) {
    if (owner.label_count() != 7) return std::nullopt;
    auto lower = [](std::string_view v) {
        std::string s(v);
        for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return s;
    };
    auto digits3 = [](std::string_view v) {
        return v.size() == 3 && std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    std::string mnc = lower(owner.label(2));
    std::string mcc = lower(owner.label(3));
    if (lower(owner.label(0)) != "epdg" || lower(owner.label(1)) != "epc" || mnc.rfind("mnc", 0) != 0 ||
        mcc.rfind("mcc", 0) != 0 || lower(owner.label(4)) != "pub" || lower(owner.label(5)) != "3gppnetwork" ||
        lower(owner.label(6)) != "org")
        return std::nullopt;
    if (!digits3(mcc.substr(3)) || !digits3(mnc.substr(3))) return std::nullopt;
    auto p = numbering::Plmn::make(mcc.substr(3), mnc.substr(3));
    if (!p) return std::nullopt;
    return *p;
}

struct PlmnEntry {
    numbering::Plmn plmn;
    std::vector<const Record*> addresses;  ///< A/AAAA of the ePDG name, one TTL
};

struct NumberEntry {
    std::string digits;
    bool prefix = false;
    std::vector<const Record*> naptrs;
};

/// The zone's records sorted into the YAML sections they are written in.
struct Sections {
    const Record* soa = nullptr;
    std::vector<const Record*> apex_ns;
    std::vector<NumberEntry> numbers;
    std::vector<PlmnEntry> plmns;
    std::vector<const Record*> generic;
};

/// Zone TTL: the apex NS TTL (the `ns` list has no TTL of its own), else the most common one.
std::uint32_t zone_ttl_of(const Zone& zone) {
    for (const auto& r : zone.records)
        if (r.type == RrType::NS && r.owner.equals(zone.origin)) return r.ttl;
    std::map<std::uint32_t, std::size_t> ttl_count;
    for (const auto& r : zone.records) ++ttl_count[r.ttl];
    std::uint32_t zone_ttl = 3600;
    std::size_t best = 0;
    for (const auto& [t, c] : ttl_count)
        if (c > best) {
            best = c;
            zone_ttl = t;
        }
    return zone_ttl;
}

/// An ePDG name holding only A/AAAA of one TTL: a PLMN block's `epdg`.
std::optional<PlmnEntry> epdg_entry(const Node& node) {
    auto p = plmn_of_epdg(node.name);
    if (!p) return std::nullopt;
    for (const Record* r : node.records)
        if ((r->type != RrType::A && r->type != RrType::AAAA) || r->ttl != node.records.front()->ttl)
            return std::nullopt;
    return PlmnEntry{*p, node.records};
}

Sections sort_into_sections(const Zone& zone, const NodeMap& nodes, const RangePlan& plan, const ImportOptions& options,
                            std::uint32_t zone_ttl, ImportReport& rep) {
    Sections s;
    for (const auto& [key, node] : nodes) {
        if (plan.dropped.count(key) != 0) {
            if (plan.ranges.count(node.name.parent().to_lookup_key()) != 0 && node.name.is_wildcard()) {
                NumberEntry e{*numbering::digits_from_owner(node.name.parent(), zone.origin), true, {}};
                e.naptrs = node.records;
                s.numbers.push_back(std::move(e));
            } else {
                rep.generated += node.records.size();
            }
            continue;
        }
        if (options.plmns && !node.name.equals(zone.origin)) {
            if (auto p = epdg_entry(node)) {
                s.plmns.push_back(std::move(*p));
                continue;
            }
        }
        std::optional<std::string> digits;
        if (options.numbers && !node.name.is_wildcard() && node.name.label_count() > zone.origin.label_count())
            digits = numbering::digits_from_owner(node.name, zone.origin);
        if (digits && (digits->empty() || digits->size() > numbering::kMaxE164Digits)) digits.reset();
        NumberEntry entry;
        for (const Record* r : node.records) {
            if (r->type == RrType::SOA && r->owner.equals(zone.origin) && s.soa == nullptr) {
                s.soa = r;
            } else if (r->type == RrType::NS && r->owner.equals(zone.origin) && r->ttl == zone_ttl) {
                s.apex_ns.push_back(r);
            } else if (digits && r->type == RrType::NAPTR && decode_naptr(r->rdata)) {
                entry.naptrs.push_back(r);
            } else {
                s.generic.push_back(r);
            }
        }
        if (!entry.naptrs.empty()) {
            entry.digits = *digits;
            s.numbers.push_back(std::move(entry));
        }
    }
    std::stable_sort(s.numbers.begin(), s.numbers.end(), [](const NumberEntry& a, const NumberEntry& b) {
        return std::tie(a.digits, b.prefix) < std::tie(b.digits, a.prefix);  // a range before its exact number
    });
    std::sort(s.plmns.begin(), s.plmns.end(), [](const PlmnEntry& a, const PlmnEntry& b) {
        return std::tie(a.plmn.mcc(), a.plmn.mnc()) < std::tie(b.plmn.mcc(), b.plmn.mnc());
    });
    std::stable_sort(s.generic.begin(), s.generic.end(), [](const Record* a, const Record* b) {
        int c = a->owner.canonical_compare(b->owner);
        if (c != 0) return c < 0;
        return std::make_pair(static_cast<std::uint16_t>(a->type), a->ttl) <
               std::make_pair(static_cast<std::uint16_t>(b->type), b->ttl);
    });
    return s;
}

bool emit_soa(YAML::Emitter& out, const Record& soa, std::uint32_t zone_ttl, bool keep_serial) {
    auto s = parse_soa(soa.rdata);
    if (!s) return false;
    out << YAML::Key << "soa" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "mname" << YAML::Value << s->mname.to_text();
    out << YAML::Key << "rname" << YAML::Value << s->rname.to_text();
    if (keep_serial) {
        out << YAML::Key << "serial" << YAML::Value << s->serial;
    } else {
        out << YAML::Key << "serial" << YAML::Value << "auto";
        out << YAML::Key << "min_serial" << YAML::Value << s->serial;
    }
    out << YAML::Key << "refresh" << YAML::Value << s->refresh;
    out << YAML::Key << "retry" << YAML::Value << s->retry;
    out << YAML::Key << "expire" << YAML::Value << s->expire;
    out << YAML::Key << "minimum" << YAML::Value << s->minimum;
    if (soa.ttl != zone_ttl) out << YAML::Key << "ttl" << YAML::Value << soa.ttl;
    out << YAML::EndMap;
    return true;
}

/// How a number entry is written: ImportOptions::number_text when it reads back as the same digits.
std::string number_text(const NumberEntry& e, const ImportOptions& options) {
    if (e.prefix || !options.number_text) return numbering::format_number(e.digits, e.prefix);
    std::string text = options.number_text(e.digits);
    auto back = numbering::normalise_e164(text);
    return back && *back == e.digits ? text : numbering::format_number(e.digits);
}

void emit_numbers(YAML::Emitter& out, const std::vector<NumberEntry>& numbers, std::uint32_t zone_ttl,
                  const ImportOptions& options, ImportReport& rep) {
    out << YAML::Key << "numbers" << YAML::Value << YAML::BeginSeq;
    for (const auto& e : numbers) {
        ++rep.numbers;
        // The number's TTL: its records' smallest (an RRset has one TTL, RFC 2181 §5.2).
        std::uint32_t ttl = e.naptrs.front()->ttl;
        for (const Record* r : e.naptrs) ttl = std::min(ttl, r->ttl);
        std::vector<const Record*> sorted = e.naptrs;
        std::sort(sorted.begin(), sorted.end(), [](const Record* a, const Record* b) { return rdata_less(a->rdata, b->rdata); });
        sorted.erase(std::unique(sorted.begin(), sorted.end(),
                                 [](const Record* a, const Record* b) { return a->rdata == b->rdata; }),
                     sorted.end());
        out << YAML::BeginMap;
        out << YAML::Key << "number" << YAML::Value << YAML::DoubleQuoted << number_text(e, options);
        if (ttl != zone_ttl) out << YAML::Key << "ttl" << YAML::Value << ttl;
        out << YAML::Key << "naptr" << YAML::Value;
        if (sorted.size() == 1) {
            emit_naptr(out, *sorted.front(), ttl, rep);
        } else {
            out << YAML::BeginSeq;
            for (const Record* r : sorted) emit_naptr(out, *r, ttl, rep);
            out << YAML::EndSeq;
        }
        out << YAML::EndMap;
    }
    out << YAML::EndSeq;
}

void emit_plmns(YAML::Emitter& out, const std::vector<PlmnEntry>& plmns, std::uint32_t zone_ttl, ImportReport& rep) {
    out << YAML::Key << "plmns" << YAML::Value << YAML::BeginSeq;
    for (const auto& p : plmns) {
        ++rep.plmns;
        std::vector<const Record*> addrs = p.addresses;
        std::sort(addrs.begin(), addrs.end(), [](const Record* a, const Record* b) {
            return std::tie(a->type, a->rdata) < std::tie(b->type, b->rdata);
        });
        out << YAML::BeginMap;
        out << YAML::Key << "mcc" << YAML::Value << YAML::DoubleQuoted << p.plmn.mcc();
        out << YAML::Key << "mnc" << YAML::Value << YAML::DoubleQuoted << p.plmn.mnc();
        if (addrs.front()->ttl != zone_ttl) out << YAML::Key << "ttl" << YAML::Value << addrs.front()->ttl;
        out << YAML::Key << "epdg" << YAML::Value << YAML::Flow << YAML::BeginSeq;
        for (const Record* r : addrs) out << YAML::DoubleQuoted << rdata_to_text(r->type, r->rdata);
        out << YAML::EndSeq << YAML::EndMap;
    }
    out << YAML::EndSeq;
}

/// One entry per (owner, type, TTL); several records make a data list.
void emit_records(YAML::Emitter& out, const std::vector<const Record*>& generic, const Name& origin,
                  std::uint32_t zone_ttl, ImportReport& rep) {
    out << YAML::Key << "records" << YAML::Value << YAML::BeginSeq;
    for (std::size_t i = 0; i < generic.size();) {
        std::size_t j = i;
        std::vector<std::string> data;
        while (j < generic.size() && generic[j]->owner.equals(generic[i]->owner) &&
               generic[j]->type == generic[i]->type && generic[j]->ttl == generic[i]->ttl) {
            data.push_back(rdata_to_text(generic[j]->type, generic[j]->rdata));
            ++j;
        }
        const Record& r = *generic[i];
        rep.generic_records += data.size();
        out << YAML::Flow << YAML::BeginMap;
        out << YAML::Key << "name" << YAML::Value << relative_owner_text(r.owner, origin);
        out << YAML::Key << "type" << YAML::Value << dns::to_text(r.type);
        if (r.ttl != zone_ttl) out << YAML::Key << "ttl" << YAML::Value << r.ttl;
        out << YAML::Key << "data" << YAML::Value;
        if (data.size() == 1) {
            emit_data(out, data[0]);
        } else {
            out << YAML::Flow << YAML::BeginSeq;
            for (const auto& d : data) emit_data(out, d);
            out << YAML::EndSeq;
        }
        out << YAML::EndMap;
        i = j;
    }
    out << YAML::EndSeq;
}

}  // namespace

dns::Result<std::string> zone_to_yaml(const Zone& zone, const ImportOptions& options, ImportReport* report) {
    ImportReport rep;
    NodeMap nodes = nodes_of(zone.records);
    RangePlan plan;
    if (options.numbers && options.ranges) plan = plan_ranges(zone, nodes);
    rep.ranges = plan.ranges.size();
    rep.raw_wildcards = plan.raw_wildcards;
    std::uint32_t zone_ttl = zone_ttl_of(zone);
    Sections s = sort_into_sections(zone, nodes, plan, options, zone_ttl, rep);

    YAML::Emitter out;
    out.SetIndent(2);
    if (!options.source_name.empty())
        out << YAML::Comment("imported from " + options.source_name + " by enumctl import") << YAML::Newline;
    out << YAML::BeginMap;
    out << YAML::Key << "origin" << YAML::Value << zone.origin.to_text();
    out << YAML::Key << "ttl" << YAML::Value << zone_ttl;
    if (s.soa != nullptr && !emit_soa(out, *s.soa, zone_ttl, options.keep_serial))
        return dns::make_error("the SOA record of " + zone.origin.to_text() + " is malformed");
    if (!s.apex_ns.empty()) {
        out << YAML::Key << "ns" << YAML::Value << YAML::BeginSeq;
        for (const Record* r : s.apex_ns) out << rdata_to_text(r->type, r->rdata);
        out << YAML::EndSeq;
    }
    if (!s.numbers.empty()) emit_numbers(out, s.numbers, zone_ttl, options, rep);
    if (!s.plmns.empty()) emit_plmns(out, s.plmns, zone_ttl, rep);
    if (!s.generic.empty()) emit_records(out, s.generic, zone.origin, zone_ttl, rep);
    out << YAML::EndMap;
    if (!out.good()) return dns::make_error(std::string("YAML emitter: ") + out.GetLastError());
    if (report != nullptr) *report = rep;
    return std::string(out.c_str()) + "\n";
}

dns::Result<std::string> import_zone(const Zone& zone, const ImportOptions& options, ImportReport* report) {
    struct Attempt {
        const char* form;
        bool numbers;
        bool ranges;
        bool plmns;
    };
    // From the friendliest to the plainest; the first that loads back equal wins.
    const Attempt attempts[] = {{"friendly", true, true, true},
                                {"friendly without ranges", true, false, true},
                                {"friendly without ranges and PLMN blocks", true, false, false},
                                {"generic", false, false, false}};
    std::string last_problem;
    for (const auto& a : attempts) {
        if ((a.ranges && !options.ranges) || (a.numbers && !options.numbers) || (a.plmns && !options.plmns)) continue;
        ImportOptions o = options;
        o.numbers = a.numbers;
        o.ranges = a.ranges;
        o.plmns = a.plmns;
        ImportReport rep;
        auto yaml = zone_to_yaml(zone, o, &rep);
        if (!yaml) return yaml;
        Diagnostics diags;
        auto back = load_yaml_zone_text(
            *yaml, options.source_name.empty() ? "import.yaml" : options.source_name + ".yaml", diags);
        if (!back || diags.has_errors()) {
            last_problem.clear();
            for (const auto& d : diags.items)
                if (d.severity == Diagnostic::Severity::Error) last_problem += d.to_text() + "\n";
            continue;
        }
        auto diffs = diff_zones({zone}, {*back});
        if (!diffs.empty()) {
            last_problem = diff_to_text(diffs);
            continue;
        }
        rep.form = a.form;
        if (report != nullptr) *report = rep;
        return yaml;
    }
    return dns::make_error("the YAML form of " + zone.origin.to_text() + " does not load back to the same RRsets:\n" +
                           last_problem);
}

}  // namespace enumd::zones
