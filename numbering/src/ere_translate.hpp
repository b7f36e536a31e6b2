#pragma once
/// POSIX ERE → PCRE2 pattern translation, shared by translate_ere() and
/// PosixRegex::compile() (private to numbering/).

#include <string>
#include <string_view>

#include "enumd/dns/result.hpp"

namespace enumd::numbering::detail {

/// Whether the translation marks repeated groups with callouts for
/// PosixRegex's glibc-compatible group assignment (see record_parse()).
enum class RepeatedGroups { Plain, MarkWithCallouts };

/// Callout numbers in a translated pattern: kCalloutMatchEnd ends the whole
/// pattern; kCalloutAfterIteration + g - 1 follows an iteration of repeated
/// group g; kCalloutLoopEntry + g notes where the loop of group g was entered.
inline constexpr int kCalloutMatchEnd = 1;
inline constexpr int kCalloutAfterIteration = 2;
inline constexpr int kCalloutLoopEntry = 100;

dns::Result<std::string> translate_ere(std::string_view ere, RepeatedGroups mode);

}  // namespace enumd::numbering::detail
