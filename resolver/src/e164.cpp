#include "enumd/resolver/e164.hpp"

#include <cctype>

namespace enumd::resolver {

using dns::make_error;
using dns::Result;

Result<std::string> normalise_e164(std::string_view text) {
    std::string digits;
    std::size_t i = 0;
    while (i < text.size() && text[i] == ' ') ++i;
    if (i < text.size() && text[i] == '+') ++i;
    for (; i < text.size(); ++i) {
        auto c = static_cast<unsigned char>(text[i]);
        if (std::isdigit(c) != 0) {
            digits += static_cast<char>(c);
        } else if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '/') {
            continue;  // visual separators (RFC 3966 §5.1.1)
        } else if (std::isalpha(c) != 0) {
            return make_error("E.164 number contains a letter: '" + std::string(text) + "'");
        } else {
            return make_error("E.164 number contains '" + std::string(1, static_cast<char>(c)) + "'");
        }
    }
    if (digits.empty()) return make_error("E.164 number has no digits");
    if (digits.size() > kMaxE164Digits) {
        return make_error("E.164 number has " + std::to_string(digits.size()) + " digits, at most 15 allowed");
    }
    return digits;
}

std::string application_unique_string(std::string_view digits) { return "+" + std::string(digits); }

Result<dns::Name> enum_domain(std::string_view digits, const dns::Name& suffix) {
    dns::Name name = suffix;
    for (char d : digits) {
        if (std::isdigit(static_cast<unsigned char>(d)) == 0) return make_error("not a digit in E.164 number");
        // Prepending left to right leaves the last digit leftmost (RFC 6116 §2.4).
        auto next = name.prepend(std::string_view(&d, 1));
        if (!next) return make_error(next.error());
        name = *next;
    }
    return name;
}

dns::Name default_enum_suffix() { return *dns::Name::from_text("e164.arpa."); }

}  // namespace enumd::resolver
