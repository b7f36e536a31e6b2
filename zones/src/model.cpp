#include "enumd/zones/model.hpp"

namespace enumd::zones {

std::string SourceLoc::to_text() const {
    std::string s = file.empty() ? std::string("<input>") : file.str();
    if (line > 0) {
        // Appended piecewise: GCC 12 falsely flags `":" + std::to_string(n)` (-Wrestrict).
        s += ':';
        s += std::to_string(line);
        if (column > 0) {
            s += ':';
            s += std::to_string(column);
        }
    }
    return s;
}

std::string Diagnostic::to_text() const {
    return loc.to_text() + (severity == Severity::Error ? ": error: " : ": warning: ") + message;
}

void Diagnostics::error(SourceLoc loc, std::string message) {
    items.push_back({Diagnostic::Severity::Error, std::move(loc), std::move(message), {}});
}

void Diagnostics::warning(SourceLoc loc, std::string message) { warning(std::move(loc), "other", std::move(message)); }

void Diagnostics::warning(SourceLoc loc, std::string_view kind, std::string message) {
    items.push_back({Diagnostic::Severity::Warning, std::move(loc), std::move(message), std::string(kind)});
}

bool Diagnostics::has_errors() const noexcept { return error_count() > 0; }

std::size_t Diagnostics::error_count() const noexcept {
    std::size_t n = 0;
    for (const auto& d : items) n += d.severity == Diagnostic::Severity::Error ? 1 : 0;
    return n;
}

}  // namespace enumd::zones
