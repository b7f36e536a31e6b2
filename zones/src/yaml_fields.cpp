#include "yaml_fields.hpp"

#include <algorithm>
#include <cctype>

#include "enumd/zones/validate.hpp"

namespace enumd::zones::yaml {

using dns::RrType;

std::string join(const std::vector<std::string_view>& keys) {
    std::string s;
    for (auto k : keys) s += (s.empty() ? "" : ", ") + std::string(k);
    return s;
}

SourceLoc FieldReader::loc(const ytree::Node& n) const {
    ytree::Mark m = n.mark();
    return SourceLoc{s_.file, m.line >= 0 ? m.line + 1 : 0, m.column >= 0 ? m.column + 1 : 0};
}
void FieldReader::error(const ytree::Node& n, std::string msg) {
    s_.diags.error(loc(n), std::move(msg));
}

bool FieldReader::check_map(const ytree::Node& n, std::string_view what, const std::vector<std::string_view>& allowed) {
    if (!n.IsMap()) {
        error(n, std::string(what) + " must be a mapping (key: value), not " + kind(n));
        return false;
    }
    const auto& pairs = n.map();
    for (std::size_t i = 0; i < pairs.size(); ++i) {
        const ytree::Node& k = pairs[i].first;
        std::string_view key = k.IsScalar() ? std::string_view(k.Scalar()) : std::string_view("?");
        for (std::size_t j = 0; j < i; ++j) {
            if (pairs[j].first.IsScalar() && pairs[j].first.Scalar() == key) {
                error(k, "key '" + std::string(key) + "' appears twice in " + std::string(what));
                break;
            }
        }
        if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
            error(k,
                  "unknown key '" + std::string(key) + "' in " + std::string(what) + "; known keys: " + join(allowed));
    }
    return true;
}

std::string FieldReader::kind(const ytree::Node& n) {
    switch (n.Type()) {
        case ytree::Kind::Map:
            return "a mapping";
        case ytree::Kind::Sequence:
            return "a list";
        case ytree::Kind::Null:
            return "empty";
        case ytree::Kind::Scalar:
            return "'" + n.Scalar() + "'";
        default:
            return "undefined";
    }
}

std::optional<std::string> FieldReader::get_string(const ytree::Node& n, std::string_view what) {
    if (!n.IsScalar()) {
        error(n, std::string(what) + " must be text, not " + kind(n));
        return std::nullopt;
    }
    return n.Scalar();
}

std::optional<std::uint64_t> FieldReader::get_uint(const ytree::Node& n, std::string_view what, std::uint64_t max) {
    std::string range = " must be an integer from 0 to " + std::to_string(max);
    if (!n.IsScalar() || n.Scalar().empty()) {
        error(n, std::string(what) + range + ", not " + kind(n));
        return std::nullopt;
    }
    const std::string& s = n.Scalar();
    std::uint64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') {
            error(n, std::string(what) + range + ", not '" + s + "'");
            return std::nullopt;
        }
        v = v * 10 + static_cast<std::uint64_t>(c - '0');
        if (v > max) {
            error(n, std::string(what) + " " + s + " is out of range" + (what == "ttl" ? " (RFC 2181 §8)" : "") +
                         ": it" + range);
            return std::nullopt;
        }
    }
    return v;
}

std::optional<std::uint32_t> FieldReader::get_ttl(const ytree::Node& n) {
    auto v = get_uint(n, "ttl", kMaxTtl);
    if (!v) return std::nullopt;
    return static_cast<std::uint32_t>(*v);
}

std::uint32_t FieldReader::ttl_or(const ytree::Node& parent, std::uint32_t fallback) {
    if (!parent.IsMap() || !parent["ttl"]) return fallback;
    return get_ttl(parent["ttl"]).value_or(fallback);
}

std::optional<dns::Name> FieldReader::get_name(const ytree::Node& n, std::string_view what, bool wildcard) {
    auto text = get_string(n, what);
    if (!text) return std::nullopt;
    const std::string& t = *text;
    if (t != "@" && t != ".") {
        std::size_t start = 0;
        while (start < t.size()) {
            std::size_t dot = t.find('.', start);
            std::string_view label(t.data() + start, (dot == std::string::npos ? t.size() : dot) - start);
            if (label == "*") {
                // Leftmost, '*' makes a wildcard; anywhere else it is an ordinary label: `sub.*.example.`
                // is a name like any other (RFC 4592 §2.2.1), which a zone may hold and `import` writes.
                if (!wildcard) {
                    error(n, std::string(what) + " '" + t + "': '*' is only allowed in the name of a record");
                    return std::nullopt;
                }
            } else {
                for (char c : label) {
                    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '-' && c != '_') {
                        error(n, std::string(what) + " '" + t + "' contains '" + std::string(1, c) +
                                     "': labels are letters, digits, '-' and '_'");
                        return std::nullopt;
                    }
                }
            }
            if (dot == std::string::npos) break;
            start = dot + 1;
        }
    }
    auto name = dns::Name::from_text(t, s_.have_origin ? &s_.origin : nullptr);
    if (!name) {
        error(n, std::string(what) + " '" + t + "': " + name.error());
        return std::nullopt;
    }
    return *name;
}

std::vector<ytree::Node> FieldReader::list_or_one(const ytree::Node& n) {
    std::vector<ytree::Node> out;
    if (n.IsSequence()) {
        out = n.seq();
    } else if (n.IsDefined() && !n.IsNull()) {
        out.push_back(n);
    }
    return out;
}

bool FieldReader::expect_list(const ytree::Node& n, std::string_view what) {
    if (n.IsSequence() || n.IsNull()) return true;
    error(n, std::string(what) + " must be a list, not " + kind(n));
    return false;
}

void FieldReader::add(const dns::Name& owner, RrType type, std::uint32_t ttl, std::vector<std::uint8_t> rdata,
                      const SourceLoc& where, bool generated) {
    s_.records.push_back(Record{owner, type, ttl, std::move(rdata), where, generated, {}});
}

}  // namespace enumd::zones::yaml
