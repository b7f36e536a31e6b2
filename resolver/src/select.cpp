#include "enumd/resolver/select.hpp"

#include <numeric>

namespace enumd::resolver {

std::uint64_t fresh_seed() {
    thread_local Rng seeder(std::random_device{}());
    return seeder();
}

std::vector<std::size_t> rfc2782_order(std::span<const std::uint16_t> weights, Rng& rng) {
    // RFC 2782 p.3-4: "arrange all SRV RRs (that have not been ordered yet)
    // in any order, except that all those with weight 0 are placed at the
    // beginning of the list."
    std::vector<std::size_t> pending;
    for (std::size_t i = 0; i < weights.size(); ++i) {
        if (weights[i] == 0) pending.push_back(i);
    }
    for (std::size_t i = 0; i < weights.size(); ++i) {
        if (weights[i] != 0) pending.push_back(i);
    }
    std::vector<std::size_t> out;
    out.reserve(weights.size());
    while (!pending.empty()) {
        std::uint64_t sum = 0;
        for (auto i : pending) sum += weights[i];
        // "choose a uniform random number between 0 and the sum computed (inclusive)"
        std::uniform_int_distribution<std::uint64_t> dist(0, sum);
        std::uint64_t r = dist(rng);
        std::uint64_t running = 0;
        std::size_t pick = pending.size() - 1;
        for (std::size_t k = 0; k < pending.size(); ++k) {
            running += weights[pending[k]];
            // "select the RR whose running sum value is the first in the
            // selected order which is greater than or equal to the random number"
            if (running >= r) {
                pick = k;
                break;
            }
        }
        out.push_back(pending[pick]);
        // "remove that SRV RR from the set of the unordered SRV RRs and apply
        // the described algorithm to the unordered SRV RRs"
        pending.erase(pending.begin() + static_cast<std::ptrdiff_t>(pick));
    }
    return out;
}

std::vector<std::size_t> proportional_order(std::span<const std::uint16_t> weights, Rng& rng) {
    std::vector<std::size_t> pending, zeros, out;
    for (std::size_t i = 0; i < weights.size(); ++i) (weights[i] == 0 ? zeros : pending).push_back(i);
    while (!pending.empty()) {
        std::uint64_t sum = 0;
        for (auto i : pending) sum += weights[i];
        std::uniform_int_distribution<std::uint64_t> dist(0, sum - 1);
        std::uint64_t r = dist(rng);
        std::uint64_t running = 0;
        std::size_t pick = pending.size() - 1;
        for (std::size_t k = 0; k < pending.size(); ++k) {
            running += weights[pending[k]];
            if (r < running) {
                pick = k;
                break;
            }
        }
        out.push_back(pending[pick]);
        pending.erase(pending.begin() + static_cast<std::ptrdiff_t>(pick));
    }
    out.insert(out.end(), zeros.begin(), zeros.end());
    return out;
}

}  // namespace enumd::resolver
