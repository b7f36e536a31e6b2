#pragma once
/// Readable diagnostics for big zones (issue 13): a 100,000-number zone can
/// carry thousands of warnings of one kind. The summary shows every error,
/// per kind of warning the first few (in the order given, with file:line),
/// then one line with the count of the rest. Used by `enumctl check`,
/// `enumctl compile` and enumd's reload log, so they read the same.

#include <cstddef>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "enumd/zones/model.hpp"

namespace enumd::zones {

/// A kind of warning: its stable short name (for --no-warn) and what it is about.
struct WarningKind {
    std::string_view name;
    std::string_view about;
};

/// Every kind a warning can have, in the order `enumctl help check` lists them.
std::span<const WarningKind> warning_kinds() noexcept;
[[nodiscard]] bool is_warning_kind(std::string_view name) noexcept;

struct SummaryOptions {
    std::size_t per_kind = 5;  ///< warnings shown per kind before the count line
    bool all = false;          ///< show every warning
    std::set<std::string, std::less<>> silenced;  ///< kinds not shown (nor counted as shown)
};

struct Summary {
    std::vector<const Diagnostic*> shown;  ///< every error, and the warnings shown, in the order given
    /// Per kind with warnings not shown, in the order first met: kind and how many.
    std::vector<std::pair<std::string, std::size_t>> more;
    std::size_t errors = 0;
    std::size_t warnings = 0;  ///< all warnings: shown, not shown and silenced
    std::size_t silenced = 0;
    /// What to print: each shown diagnostic as Diagnostic::to_text() with " [kind]" after a
    /// warning, then per `more` "... and 7022 more naptr-preference warnings (--all-warnings ...)".
    [[nodiscard]] std::vector<std::string> lines() const;
};

/// "naptr-preference, dial-prefix, ..." for usage messages.
[[nodiscard]] std::string warning_kind_names();

/// Errors are never hidden. `items` are taken in the order given.
Summary summarise(const std::vector<Diagnostic>& items, const SummaryOptions& options);

}  // namespace enumd::zones
