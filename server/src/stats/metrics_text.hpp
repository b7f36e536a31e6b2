#pragma once
/// The Prometheus text exposition format (0.0.4) as every part of enumd writes
/// it: a family starts with its HELP and TYPE lines, then its samples, label
/// values escaped. One writer, so no family goes out without HELP and TYPE
/// (`promtool check metrics` runs on the output in a test).

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <utility>

namespace enumd::server {

class MetricsText {
   public:
    using Labels = std::initializer_list<std::pair<std::string_view, std::string_view>>;

    /// "# HELP name help" and "# TYPE name type" (counter, gauge, histogram).
    MetricsText& family(std::string_view name, std::string_view type, std::string_view help);
    /// One sample line: name{labels} value.
    MetricsText& sample(std::string_view name, Labels labels, std::uint64_t value);
    MetricsText& sample(std::string_view name, Labels labels, double value);
    MetricsText& sample(std::string_view name, std::uint64_t value) { return sample(name, {}, value); }
    /// A family with a single unlabelled sample.
    MetricsText& single(std::string_view name, std::string_view type, std::string_view help, std::uint64_t value) {
        return family(name, type, help).sample(name, value);
    }
    /// The samples of a duration histogram (the family line first): `counts` per bucket of
    /// DurationHistogram (≤ 2^b µs, the last +Inf), not cumulative; `sum_ns` their total.
    MetricsText& histogram(std::string_view name, std::span<const std::uint64_t> counts, std::uint64_t sum_ns);
    /// Text already in the format (another part's families).
    MetricsText& append(std::string_view text);
    [[nodiscard]] const std::string& str() const noexcept { return out_; }

   private:
    void labels(Labels labels);
    std::string out_;
};

}  // namespace enumd::server
