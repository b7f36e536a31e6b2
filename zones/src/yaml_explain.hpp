#pragma once
// Syntax errors that explain themselves (issue 13): the YAML parsers report a
// tab in the indentation or a misindented key as "illegal map value" or "end
// of map not found". Given the text and the line the parser stopped at, say
// what is wrong in words a person fixes, at the place to fix.

#include <optional>
#include <string>
#include <string_view>

namespace enumd::zones::detail {

struct YamlExplanation {
    int line = 0;    ///< 1-based
    int column = 0;  ///< 1-based
    std::string message;
};

/// `error_line`: 1-based line of the parser's mark. Empty when the text at and
/// before it shows neither a tab in the indentation nor a misindented key.
std::optional<YamlExplanation> explain_yaml_syntax(std::string_view text, int error_line);

}  // namespace enumd::zones::detail
