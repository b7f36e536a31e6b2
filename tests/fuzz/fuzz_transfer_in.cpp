/// Fuzz target: an incoming zone transfer as the secondary reads it
/// (server/src/xfr/transfer_in.hpp, TransferReader). Input: one option octet
/// (bit 0: an IXFR request, so the reader holds our SOA at serial 5), then the
/// reply's messages, each prefixed by its 16-bit length as on TCP (RFC 1035
/// §4.2.2). The reader must classify every byte sequence — More, Done,
/// UpToDate, Failed or IxfrUnusable — without crashing, and once it has said
/// Done/Failed/UpToDate/IxfrUnusable it never says More again. The end of the
/// input is the stream closing (interrupted) when the reader still wanted more.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "enumd/dns/name.hpp"
#include "enumd/zones/model.hpp"
#include "fuzz_check.hpp"
#include "xfr/transfer_in.hpp"

using namespace enumd;
using Step = server::xfr::TransferReader::Step;

namespace {

zones::Record our_soa(const dns::Name& origin) {
    zones::Record r;
    r.owner = origin;
    r.type = dns::RrType::SOA;
    r.ttl = 300;
    // ns1.zone.test. h.zone.test. 5 3600 600 86400 300, uncompressed
    const std::uint8_t rdata[] = {3, 'n', 's', '1', 4, 'z', 'o', 'n', 'e', 4, 't', 'e', 's', 't', 0,
                                  1, 'h', 4, 'z', 'o', 'n', 'e', 4, 't', 'e', 's', 't', 0,
                                  0, 0, 0, 5, 0, 0, 0x0e, 0x10, 0, 0, 0x02, 0x58, 0, 1, 0x51, 0x80, 0, 0, 1, 0x2c};
    r.rdata.assign(rdata, rdata + sizeof rdata);
    return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1 || size > 262144) return 0;
    static const dns::Name origin = dns::Name::from_text("zone.test.").value();
    const bool ixfr = (data[0] & 1) != 0;
    std::optional<zones::Record> ours;
    if (ixfr) ours = our_soa(origin);
    server::xfr::TransferReader reader(origin, ours, "127.0.0.1:53");
    std::span<const std::uint8_t> rest(data + 1, size - 1);
    Step step = Step::More;
    while (step == Step::More && rest.size() >= 2) {
        std::size_t len = static_cast<std::size_t>(rest[0] << 8 | rest[1]);
        rest = rest.subspan(2);
        if (len > rest.size()) len = rest.size();  // a short last message: what arrived
        step = reader.feed(rest.first(len));
        rest = rest.subspan(len);
    }
    // a message the reader refused says why (a stream that just stops: the caller's transport says)
    if (step == Step::Failed || step == Step::IxfrUnusable) FUZZ_CHECK(!reader.why().empty());
    if (step == Step::More) step = reader.interrupted();
    FUZZ_CHECK(step != Step::More);
    if (step == Step::Done) FUZZ_CHECK(reader.final_soa().type == dns::RrType::SOA);
    if (step == Step::Done && !reader.ixfr_form()) {
        // every record read is in the zone handed to the store: the apex's held, the rest sorted
        const std::uint64_t read = reader.record_count();
        auto zone = reader.take_zone();
        FUZZ_CHECK(zone.has_value());
        FUZZ_CHECK(zone->records.size() + (zone->streamed ? zone->streamed->size() : 0) == read);
    }
    if (!ixfr) FUZZ_CHECK(step != Step::UpToDate);
    return 0;
}
