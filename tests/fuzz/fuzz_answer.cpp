/// Fuzz target: the whole query path of the server — answer_query over an
/// LMDB database holding the differential test's zones (RFC 4592 example, the
/// ENUM lab zone, CNAME/delegation/ENT zone). Input: one option octet
/// (bit 0: TCP, bit 1: NAPTR additional off) then the query packet.
/// Whatever comes in, the response must be well formed: it parses to the
/// last octet, answers with the query's ID and QR set, never exceeds what the
/// client can take over UDP (512, or its EDNS buffer), and nothing crashes,
/// leaks or reads out of bounds.

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "enumd/dns/wire.hpp"
#include "enumd/server/answer.hpp"
#include "enumd/zones/model.hpp"
#include "enumd/zones/store.hpp"
#include "enumd/zones/yaml_loader.hpp"
#include "fuzz_check.hpp"

using namespace enumd;

#ifndef ENUMD_SOURCE_DIR
#error "ENUMD_SOURCE_DIR must name the source tree (the zones live in tests/differential/zones)"
#endif

namespace {

struct Fixture {
    std::unique_ptr<zones::Store> store;
    std::unique_ptr<zones::Reader> reader;
};

Fixture& fixture() {
    static Fixture f = [] {
        Fixture x;
        std::string dir = (std::filesystem::temp_directory_path() /
                           ("enumd-fuzz-answer-" + std::to_string(::getpid())))
                              .string();
        std::filesystem::remove_all(dir);
        std::filesystem::create_directories(dir);
        std::string zdir = std::string(ENUMD_SOURCE_DIR) + "/tests/differential/zones/";
        zones::Diagnostics diags;
        auto zs = zones::load_zone_files({zdir + "rfc4592.zone", zdir + "lab.zone", zdir + "misc.zone"}, diags);
        if (diags.has_errors() || zs.size() != 3) {
            std::fprintf(stderr, "fuzz_answer: cannot load the zones of %s\n", zdir.c_str());
            std::abort();
        }
        auto store = zones::Store::open(dir);
        FUZZ_CHECK(store.ok());
        x.store = std::move(*store);
        FUZZ_CHECK(x.store->write(zs).ok());
        auto reader = x.store->reader();
        FUZZ_CHECK(reader.ok());
        x.reader = std::move(*reader);
        // The database files are open; the directory is not needed any more.
        std::filesystem::remove_all(dir);
        return x;
    }();
    return f;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    Fixture& f = fixture();
    const bool tcp = (data[0] & 1) != 0;
    server::AnswerOptions options;
    options.naptr_additional = (data[0] & 2) == 0;
    std::span<const std::uint8_t> query(data + 1, size - 1);
    // exactly the query's size on the heap, so ASan sees any read past its end
    std::vector<std::uint8_t> q(query.begin(), query.end());

    static std::array<std::uint8_t, dns::kMaxMessage> out;
    FUZZ_CHECK(f.reader->refresh());
    server::AnswerResult r = server::answer_query(*f.reader, q, out, tcp ? server::Transport::Tcp : server::Transport::Udp,
                                                  options);
    f.reader->release();
    FUZZ_CHECK(r.size <= out.size());
    if (r.size == 0) return 0;

    std::span<const std::uint8_t> resp(out.data(), r.size);
    dns::Header qh, h;
    FUZZ_CHECK(dns::read_header(resp, h));
    FUZZ_CHECK(h.qr());
    FUZZ_CHECK(h.qdcount <= 1);
    if (dns::read_header(q, qh)) {
        FUZZ_CHECK(h.id == qh.id);
        FUZZ_CHECK(!qh.qr());  // responses to responses are never sent
    }
    // Over UDP never more than the client can take (RFC 1035 §4.2.1, RFC 6891 §6.2.5).
    if (!tcp) {
        dns::QueryView view;
        std::size_t limit = 512;
        if (dns::parse_query(q, view) == dns::QueryParse::Ok && view.edns) limit = std::max<std::size_t>(512, view.edns->udp_size);
        FUZZ_CHECK(r.size <= limit);
    }
    // The response parses to its last octet.
    dns::WireReader rd(resp, dns::kHeaderSize);
    for (std::size_t i = 0; i < h.qdcount; ++i) {
        dns::Question question;
        FUZZ_CHECK(rd.read_question(question));
    }
    std::size_t records = static_cast<std::size_t>(h.ancount) + h.nscount + h.arcount;
    std::array<std::uint8_t, dns::kMaxMessage> buf;
    for (std::size_t i = 0; i < records; ++i) {
        dns::RecordView rr;
        FUZZ_CHECK(rd.read_record(rr));
        FUZZ_CHECK(dns::decompress_rdata(resp, rr, buf).has_value());
    }
    FUZZ_CHECK(rd.remaining() == 0);
    return 0;
}
