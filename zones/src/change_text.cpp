// Change sets from text (change.hpp): NAPTRs as `enumctl set --naptr` writes
// them and the CSV files of `enumctl apply`.
#include <cctype>
#include <fstream>
#include <map>

#include "enumd/numbering/enumservice.hpp"
#include "enumd/zones/change.hpp"
#include "enumd/zones/naptr.hpp"
#include "enumd/zones/rdata_text.hpp"

namespace enumd::zones {
namespace {

std::string trim(std::string_view s) {
    std::size_t a = 0;
    std::size_t b = s.size();
    while (a < b && std::isspace(static_cast<unsigned char>(s[a])) != 0) ++a;
    while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1])) != 0) --b;
    return std::string(s.substr(a, b - a));
}

/// One CSV record's fields (RFC 4180: quoted fields, "" inside quotes); false on an unclosed quote.
bool split_csv(std::string_view line, std::vector<std::string>& out) {
    out.clear();
    std::string field;
    bool quoted = false;
    bool was_quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        char ch = line[i];
        if (quoted) {
            if (ch == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                field += '"';
                ++i;
            } else if (ch == '"') {
                quoted = false;
            } else {
                field += ch;
            }
        } else if (ch == '"' && trim(field).empty()) {
            quoted = was_quoted = true;
            field.clear();
        } else if (ch == ',') {
            out.push_back(was_quoted ? field : trim(field));
            field.clear();
            was_quoted = false;
        } else {
            field += ch;
        }
    }
    if (quoted) return false;
    out.push_back(was_quoted ? field : trim(field));
    return true;
}

}  // namespace

dns::Result<Naptr> naptr_from_text(std::string_view text) {
    std::string t = trim(text);
    if (t.empty()) return dns::make_error("an empty NAPTR");
    if (std::isdigit(static_cast<unsigned char>(t[0])) != 0) {
        // The presentation form: ORDER PREFERENCE "FLAGS" "SERVICE" "REGEXP" REPLACEMENT (RFC 3403 §4.1).
        auto rd = rdata_from_text(dns::RrType::NAPTR, t, dns::Name());
        if (!rd) return dns::make_error("NAPTR '" + t + "': " + rd.error());
        auto n = decode_naptr(*rd);
        if (!n) return dns::make_error("NAPTR '" + t + "' does not parse");
        return *n;
    }
    // A URI, as the YAML shorthand (zones/README.md "NAPTR entries"): {number} is the dialled number.
    Naptr n;
    auto service = numbering::service_for_uri(t);
    if (!service)
        return dns::make_error("no enumservice is registered for the scheme of '" + t + "'; give the full NAPTR");
    n.service = *service;
    n.replacement = dns::Name();
    auto at = t.find("{number}");
    if (at != std::string::npos) {
        std::string uri = t;
        uri.replace(at, 8, "\\1");
        n.regexp = "!^(.*)$!" + uri + "!";
    } else {
        n.regexp = "!^.*$!" + t + "!";
    }
    return n;
}

ChangeFile read_change_csv(const std::string& path) {
    ChangeFile out;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        out.errors.push_back(path + ": cannot open");
        return out;
    }
    enum Col { Action, Number, Route, Rn, NaptrCol };
    std::map<Col, std::size_t> at;
    std::string line;
    std::vector<std::string> fields;
    int line_no = 0;
    bool header = false;
    while (std::getline(in, line)) {
        ++line_no;
        if (line_no == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);  // a BOM
        if (!line.empty() && line.back() == '\r') line.pop_back();
        std::string where = path + ":" + std::to_string(line_no);
        if (trim(line).empty() || trim(line)[0] == '#') continue;
        if (!split_csv(line, fields)) {
            out.errors.push_back(where + ": a quote is not closed");
            continue;
        }
        if (!header) {
            header = true;
            static const std::map<std::string, Col> names = {
                {"action", Action}, {"number", Number}, {"route", Route}, {"rn", Rn}, {"naptr", NaptrCol}};
            for (std::size_t i = 0; i < fields.size(); ++i) {
                auto it = names.find(fields[i]);
                if (it == names.end()) {
                    out.errors.push_back(where + ": unknown column '" + fields[i] +
                                         "' (the header is action,number,route,rn[,naptr])");
                } else if (!at.emplace(it->second, i).second) {
                    out.errors.push_back(where + ": column '" + fields[i] + "' twice");
                }
            }
            if (at.count(Number) == 0) out.errors.push_back(where + ": the header has no 'number' column");
            if (!out.errors.empty()) return out;
            continue;
        }
        auto get = [&](Col c) { return at.count(c) != 0 && at[c] < fields.size() ? fields[at[c]] : std::string(); };
        std::string action = get(Action).empty() ? "set" : get(Action);
        std::string number = get(Number);
        if (number.empty()) {
            out.errors.push_back(where + ": no number");
            continue;
        }
        if (action == "delete") {
            if (!get(Route).empty() || !get(Rn).empty() || !get(NaptrCol).empty()) {
                out.errors.push_back(where + ": 'delete' takes only the number");
                continue;
            }
            out.changes.push_back(Change::delete_number(number));
        } else if (action == "set") {
            if (!get(Route).empty() && !get(NaptrCol).empty()) {
                out.errors.push_back(where + ": a row has 'route' or 'naptr', not both");
                continue;
            }
            if (!get(NaptrCol).empty()) {
                auto n = naptr_from_text(get(NaptrCol));
                if (!n) {
                    out.errors.push_back(where + ": " + n.error());
                    continue;
                }
                if (!get(Rn).empty()) {
                    out.errors.push_back(where + ": 'rn' (a routing number) is for rows with 'route'");
                    continue;
                }
                out.changes.push_back(Change::set_naptr(number, {*n}));
            } else if (!get(Route).empty()) {
                out.changes.push_back(Change::set_route(number, get(Route), get(Rn)));
            } else {
                out.errors.push_back(where + ": 'set' needs 'route' or 'naptr'");
                continue;
            }
        } else {
            out.errors.push_back(where + ": action '" + action + "' is not set or delete");
            continue;
        }
        out.changes.back().where = where;
        if (out.changes.size() > kMaxChangeSet) {
            out.errors.push_back(where + ": more than " + std::to_string(kMaxChangeSet) +
                                 " changes in one file (one transaction); split it");
            return out;
        }
    }
    if (!header && out.errors.empty())
        out.errors.push_back(path + ": empty (the header is action,number,route,rn[,naptr])");
    return out;
}

}  // namespace enumd::zones
