#include "enumd/numbering/snaptr.hpp"

#include <algorithm>
#include <cctype>

#include "text.hpp"

namespace enumd::numbering {

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace

dns::Result<SnaptrService> parse_snaptr_service(std::string_view field) {
    SnaptrService s;
    std::size_t start = 0;
    bool first = true;
    for (;;) {
        auto p = field.find(':', start);
        auto tok = field.substr(start, p == std::string_view::npos ? std::string_view::npos : p - start);
        // RFC 3958 §6.5: ALPHA *31ALPHANUMSYM, ALPHANUMSYM = ALPHA / DIGIT / "+" / "-" / "." / "_"
        if (tok.empty() || tok.size() > 32 || std::isalpha(static_cast<unsigned char>(tok[0])) == 0 ||
            !std::all_of(tok.begin(), tok.end(), [](char c) {
                return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '+' || c == '-' || c == '.' || c == '_';
            })) {
            return dns::make_error(detail::cat("bad S-NAPTR service field '", field, '\''));
        }
        if (first) {
            s.app_service = lower(tok);
            first = false;
        } else {
            s.app_protocols.push_back(lower(tok));
        }
        if (p == std::string_view::npos) break;
        start = p + 1;
    }
    return s;
}

}  // namespace enumd::numbering
