#include "yaml_explain.hpp"

#include <algorithm>
#include <vector>

namespace enumd::zones::detail {
namespace {

std::vector<std::string_view> lines_of(std::string_view text, std::size_t upto) {
    std::vector<std::string_view> out;
    std::size_t pos = 0;
    while (pos <= text.size() && out.size() < upto) {
        std::size_t nl = text.find('\n', pos);
        std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        out.push_back(line);
        if (nl == std::string_view::npos) break;
        pos = nl + 1;
    }
    return out;
}

/// Neither blank nor a comment.
bool content(std::string_view line) {
    std::size_t i = line.find_first_not_of(" \t");
    return i != std::string_view::npos && line[i] != '#';
}

std::size_t indent_of(std::string_view line) {
    std::size_t i = line.find_first_not_of(' ');
    return i == std::string_view::npos ? line.size() : i;
}

/// "key" of a "key: ..." or "- key: ..." line, else empty.
std::string_view key_of(std::string_view line) {
    std::size_t i = indent_of(line);
    if (line.substr(i, 2) == "- ") i = line.find_first_not_of(' ', i + 1);
    if (i == std::string_view::npos || i >= line.size() || line[i] == '#' || line[i] == '{' || line[i] == '[' ||
        line[i] == '"' || line[i] == '\'')
        return {};
    std::size_t colon = line.find(':', i);
    if (colon == std::string_view::npos || (colon + 1 < line.size() && line[colon + 1] != ' ')) return {};
    return line.substr(i, colon - i);
}

}  // namespace

std::optional<YamlExplanation> explain_yaml_syntax(std::string_view text, int error_line) {
    if (error_line < 1) return std::nullopt;
    // One line past the mark: a parser may stop at the end of the line before the culprit.
    auto lines = lines_of(text, static_cast<std::size_t>(error_line) + 1);

    // 1. A tab in the indentation (YAML 1.2 §6.1: tabs are never indentation).
    for (std::size_t n = 0; n < lines.size(); ++n) {
        std::string_view l = lines[n];
        if (!content(l)) continue;
        std::size_t lead = l.find_first_not_of(" \t");
        std::size_t tab = l.find('\t');
        if (tab != std::string_view::npos && tab < lead)
            return YamlExplanation{static_cast<int>(n + 1), static_cast<int>(tab + 1),
                                   "tab character in indentation (YAML allows only spaces)"};
    }

    // 2. A key that lines up with no open mapping: walk the block structure down to the mark.
    struct Level {
        std::size_t column;  // 0-based column of the keys (or the "- ") at this level
        std::size_t line;    // 0-based line that opened it
    };
    std::vector<Level> open;
    bool opens_block = true;  // the previous content line ended with ':' (or nothing came yet)
    const std::size_t last = std::min(lines.size(), static_cast<std::size_t>(error_line));
    int flow = 0;  // open '{' / '[' of a flow collection written over several lines: no block indentation there
    for (std::size_t n = 0; n < last; ++n) {
        std::string_view l = lines[n];
        const bool inside_flow = flow > 0;
        char quote = 0;
        for (char ch : l) {
            if (quote != 0) {
                if (ch == quote) quote = 0;
            } else if (ch == '"' || ch == '\'') {
                quote = ch;
            } else if (ch == '#') {
                break;
            } else if (ch == '{' || ch == '[') {
                ++flow;
            } else if ((ch == '}' || ch == ']') && flow > 0) {
                --flow;
            }
        }
        if (!content(l) || inside_flow) continue;
        std::size_t d = indent_of(l);
        std::optional<Level> closed;  // the innermost level this line leaves: the mapping it was meant for
        while (!open.empty() && open.back().column > d) {
            closed = open.back();
            open.pop_back();
        }
        bool lines_up = !open.empty() && open.back().column == d;
        if (!lines_up && !opens_block && !open.empty()) {
            std::string_view key = key_of(l);
            if (key.empty()) return std::nullopt;  // some other construct: leave it to the parser's words
            const Level above = closed.value_or(open.back());
            std::size_t outer = closed ? open.size() : open.size() - 1;  // open levels around `above`
            std::string msg = "misindented key '" + std::string(key) + "': it starts in column " +
                              std::to_string(d + 1) + ", but the keys of the mapping above start in column " +
                              std::to_string(above.column + 1) + " (line " + std::to_string(above.line + 1) + ")";
            if (outer > 0) {
                msg += outer > 1 ? " and the levels around it in columns " : " and the level around it in column ";
                for (std::size_t k = outer; k-- > 0;) {
                    msg += std::to_string(open[k].column + 1);
                    if (k > 0) msg += ", ";
                }
            }
            msg += "; YAML nests by indentation, so the keys of one mapping start in the same column";
            return YamlExplanation{static_cast<int>(n + 1), static_cast<int>(d + 1), std::move(msg)};
        }
        if (!lines_up) open.push_back({d, n});
        if (l.substr(d, 2) == "- ") {
            std::size_t k = l.find_first_not_of(' ', d + 1);
            if (k != std::string_view::npos && !key_of(l).empty()) open.push_back({k, n});
        }
        // Strip a trailing comment roughly (not inside quotes: good enough for the explanation).
        std::string_view body = l;
        if (auto hash = body.find(" #"); hash != std::string_view::npos) body = body.substr(0, hash);
        while (!body.empty() && body.back() == ' ') body.remove_suffix(1);
        opens_block = !body.empty() && (body.back() == ':' || body.back() == '-');
    }
    return std::nullopt;
}

}  // namespace enumd::zones::detail
