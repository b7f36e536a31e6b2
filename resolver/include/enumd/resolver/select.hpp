#pragma once
/// Weighted random orderings: RFC 2782 SRV selection and the non-RFC
/// "preference as weight" mode for NAPTR.

#include <cstdint>
#include <random>
#include <span>
#include <vector>

namespace enumd::resolver {

using Rng = std::mt19937_64;

/// A seed for a per-lookup Rng when the caller gave none: drawn from a
/// per-thread generator seeded once from std::random_device (constructing a
/// random_device per lookup cost a third of a cached lookup).
std::uint64_t fresh_seed();

/// RFC 2782 "Usage rules": the order in which to try records of ONE
/// priority. Repeatedly: put the zero-weight records first, sum the
/// weights, draw r uniformly in [0, sum] inclusive, pick the first record
/// whose running sum is >= r, remove it and continue with the rest.
/// Returns indices into `weights`.
std::vector<std::size_t> rfc2782_order(std::span<const std::uint16_t> weights, Rng& rng);

/// Proportional order (non-RFC NAPTR mode): each pick takes record i with
/// probability w_i / sum exactly (100/100/200 → 25/25/50 for the first pick);
/// zero-weight records come last, in their given order.
std::vector<std::size_t> proportional_order(std::span<const std::uint16_t> weights, Rng& rng);

}  // namespace enumd::resolver
