#pragma once
/// Bailiwick scrubbing of upstream responses (Unbound's scrubber): what a
/// server says is kept only inside the zone it was asked as. Pure functions:
/// the iterator caches what they keep.

#include <cstdint>
#include <optional>
#include <vector>

#include "response.hpp"

namespace enumd::server::recursor {

struct ScrubbedAnswer {
    std::uint8_t rcode = 0;
    /// The CNAME chain from the asked name and the matching RRset, each in bailiwick.
    std::vector<RRset> answer;
    /// For a negative answer: the SOA of a zone at or above where the chain
    /// ended, inside the bailiwick, and the name it denies.
    std::optional<RRset> soa;
    dns::Name denied;
    std::size_t dropped = 0;  ///< answer RRsets not used
};

/// What a response says about `name`/`qtype`, keeping only data in the
/// bailiwick of `zone`; the chain is followed at most `max_chain` links.
ScrubbedAnswer scrub_answer(const Response& m, const dns::Name& name, dns::RrType qtype, const dns::Name& zone,
                            unsigned max_chain);

/// A referral in `m`: NS for a zone below `zone` and at or above `qname`; null when none.
const RRset* find_referral(const Response& m, const dns::Name& zone, const dns::Name& qname);

/// Glue for a referral: A/AAAA of names the NS RRset names, inside `zone`
/// (the zone whose server sent it). `dropped` counts the records refused.
std::vector<const RRset*> scrub_glue(const RRset& ns, const dns::Name& zone, const Response& m, std::size_t& dropped);

}  // namespace enumd::server::recursor
