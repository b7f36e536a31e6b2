#pragma once
/// Message text helpers private to numbering/.

#include <string>
#include <string_view>

namespace enumd::numbering::detail {

inline void append_piece(std::string& out, std::string_view s) {
    out.append(s);
}
inline void append_piece(std::string& out, char c) {
    out.push_back(c);
}

/// The pieces (text or characters) one after another. Messages are built
/// with it rather than `"literal" + std::string(...)`: GCC 12 at -O2/-O3
/// reports a false -Wrestrict inside operator+(const char*, std::string&&)
/// (GCC bug 105329), and -DENUMD_WERROR=ON makes that an error.
template <typename... Pieces>
std::string cat(const Pieces&... pieces) {
    std::string out;
    (append_piece(out, pieces), ...);
    return out;
}

}  // namespace enumd::numbering::detail
