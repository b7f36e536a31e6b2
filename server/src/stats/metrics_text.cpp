#include "stats/metrics_text.hpp"

#include <cstdio>

namespace enumd::server {

MetricsText& MetricsText::family(std::string_view name, std::string_view type, std::string_view help) {
    out_.append("# HELP ").append(name).append(" ");
    for (char c : help) {  // HELP escapes backslash and newline
        if (c == '\\')
            out_.append("\\\\");
        else if (c == '\n')
            out_.append("\\n");
        else
            out_.push_back(c);
    }
    out_.append("\n# TYPE ").append(name).append(" ").append(type).append("\n");
    return *this;
}

void MetricsText::labels(Labels labels) {
    if (labels.size() == 0) return;
    out_.push_back('{');
    bool first = true;
    for (const auto& [key, value] : labels) {
        if (!first) out_.push_back(',');
        first = false;
        out_.append(key).append("=\"");
        for (char c : value) {  // label values escape backslash, quote and newline
            if (c == '\\')
                out_.append("\\\\");
            else if (c == '"')
                out_.append("\\\"");
            else if (c == '\n')
                out_.append("\\n");
            else
                out_.push_back(c);
        }
        out_.push_back('"');
    }
    out_.push_back('}');
}

MetricsText& MetricsText::sample(std::string_view name, Labels l, std::uint64_t value) {
    out_.append(name);
    labels(l);
    out_.append(" ").append(std::to_string(value)).append("\n");
    return *this;
}

MetricsText& MetricsText::sample(std::string_view name, Labels l, double value) {
    out_.append(name);
    labels(l);
    char buf[32];
    std::snprintf(buf, sizeof buf, " %.9g\n", value);
    out_.append(buf);
    return *this;
}

MetricsText& MetricsText::histogram(std::string_view name, std::span<const std::uint64_t> counts,
                                    std::uint64_t sum_ns) {
    const std::string bucket = std::string(name) + "_bucket";
    std::uint64_t cum = 0;
    for (std::size_t b = 0; b < counts.size(); ++b) {
        cum += counts[b];
        char le[32] = "+Inf";
        if (b + 1 < counts.size()) std::snprintf(le, sizeof le, "%g", static_cast<double>(1ULL << b) / 1e6);
        sample(bucket, {{"le", le}}, cum);
    }
    sample(std::string(name) + "_sum", {}, static_cast<double>(sum_ns) / 1e9);
    return sample(std::string(name) + "_count", cum);
}

MetricsText& MetricsText::append(std::string_view text) {
    out_.append(text);
    return *this;
}

}  // namespace enumd::server
