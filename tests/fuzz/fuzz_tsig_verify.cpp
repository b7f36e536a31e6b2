/// Fuzz target: TSIG verification of a received message (RFC 8945 §5.2, the
/// server side of transfers, NOTIFY and signed SOA queries) and of a
/// response stream (§5.3.1, the secondary's side). verify_request must give
/// every input a status without reading out of bounds; the view-based and
/// the span-based entry points must agree; whatever verifies must stay
/// verifiable after our own Signer answers it. The seeds in
/// corpus/tsig_verify/ are signed at kNow with the keys below.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "enumd/dns/tsig.hpp"
#include "enumd/dns/wire.hpp"
#include "fuzz_check.hpp"

using namespace enumd::dns;

namespace {

constexpr std::uint64_t kNow = 1700000000;

const std::vector<tsig::Key>& keys() {
    static const std::vector<tsig::Key> k = [] {
        auto secret = [](const std::string& s) { return std::vector<std::uint8_t>(s.begin(), s.end()); };
        return std::vector<tsig::Key>{
            {*Name::from_text("xfr."), tsig::Algorithm::HmacSha256, secret("0123456789abcdef0123456789abcdef")},
            {*Name::from_text("legacy.key."), tsig::Algorithm::HmacSha1, secret("twenty-octet-secret!")},
        };
    }();
    return k;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::span<const std::uint8_t> msg(data, size);
    using S = tsig::Verified::Status;

    tsig::Verified v = tsig::verify_request(msg, keys(), kNow);
    MessageView view;
    parse_message(msg, view);
    tsig::Verified again = tsig::verify_request(view, keys(), kNow);
    FUZZ_CHECK(v.status == again.status);
    if (v.status != S::Unsigned && v.status != S::FormErr) {
        FUZZ_CHECK(v.tsig_offset >= kHeaderSize && v.tsig_offset < size);
    }
    if (v.status == S::Ok || v.status == S::BadTime) {
        FUZZ_CHECK(v.key != nullptr);
        FUZZ_CHECK(!v.mac.empty());
    }

    if (v.status == S::Ok) {
        // Our signed answer to a verified request verifies on the client side.
        std::vector<std::uint8_t> out(kMaxMessage);
        MessageWriter w(out, 512);
        w.set_header(view.header.id, flags::QR);
        std::size_t n = w.size();
        tsig::Signer signer(*v.key, v.mac);
        n = signer.sign(out, n, kNow);
        FUZZ_CHECK(n > 0);
        tsig::ResponseVerifier rv(*v.key, v.mac);
        bool is_signed = false;
        std::string why;
        FUZZ_CHECK(rv.verify(std::span<const std::uint8_t>(out.data(), n), kNow, is_signed, why));
        FUZZ_CHECK(is_signed);
    }

    // The same input as the first response to a request of ours.
    for (const auto& k : keys()) {
        tsig::ResponseVerifier rv(k, std::vector<std::uint8_t>(32, 0x5A));
        bool is_signed = false;
        std::string why;
        if (!rv.verify(msg, kNow, is_signed, why)) FUZZ_CHECK(!why.empty());
    }
    return 0;
}
