#pragma once
/// The zone file reader's fast path (rfc1035.cpp): a plain one-line record of a
/// common type, read by hand into the record ldns 1.8 would make of it.
///
/// ldns costs about 5 µs and a dozen allocations a record, most of a large
/// compile's load time (issue 10). This reader takes only what it can read
/// exactly as ldns_rr_new_frm_fp_l does — same tokens, same quirks, same wire
/// — and leaves everything else to ldns: lines with parentheses, a line
/// continued by a backslash, unclosed quotes, `\#` generic data, TYPEnnn and
/// other types, classes other than IN, control characters, and every record
/// ldns would refuse (so each error message stays ldns' own).
/// tests/fuzz/fuzz_rfc1035.cpp checks that the two agree.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "enumd/dns/name.hpp"
#include "enumd/dns/types.hpp"

namespace enumd::zones::rfc1035_fast {

/// The reader's state as ldns sees it at the entry.
struct State {
    const dns::Name* origin = nullptr;     ///< the current origin (never null)
    const dns::Name* prev = nullptr;       ///< ldns' previous owner; null until an entry names one
    const dns::Name* no_origin = nullptr;  ///< names below it were relative in a file without origin: ldns' to report
    std::uint32_t default_ttl = 0;         ///< $TTL; 0 stands for ldns' 3600
};

struct Entry {
    dns::Name owner;
    bool owner_given = false;  ///< written on the line (ldns then takes it as the previous owner)
    dns::RrType type = dns::RrType::A;
    std::uint32_t ttl = 0;
    std::vector<std::uint8_t> rdata;  ///< uncompressed wire form
};

/// Reads the entry that ldns_rr_new_frm_fp_l would read from `text` at `pos`.
/// True when it is one this reader takes: `out` holds the record and `next`
/// is where ldns would have stopped reading. False when ldns must read it;
/// `out` is then unspecified.
bool read_entry(std::string_view text, std::size_t pos, const State& state, Entry& out, std::size_t& next);

}  // namespace enumd::zones::rfc1035_fast
