#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "enumd/dns/wire.hpp"
#include "enumd/dns/tsig.hpp"

using namespace enumd;
using namespace enumd::dns;

namespace {

dns::Name N(const std::string& s) { return *dns::Name::from_text(s); }

tsig::Key key(const std::string& name, const std::string& secret, tsig::Algorithm alg = tsig::Algorithm::HmacSha256) {
    return tsig::Key{N(name), alg, std::vector<std::uint8_t>(secret.begin(), secret.end())};
}

std::vector<std::uint8_t> query(std::uint16_t id) {
    std::vector<std::uint8_t> buf(512);
    dns::MessageWriter w(buf, 512);
    w.set_header(id, 0);
    w.add_question(N("e164.arpa."), dns::RrType::AXFR, 1);
    buf.resize(w.size());
    return buf;
}

std::vector<std::uint8_t> signed_query(const tsig::Key& k, std::uint64_t now) {
    auto q = query(0x1234);
    q.resize(4096);
    tsig::Signer s(k, {});
    std::size_t n = s.sign(q, query(0x1234).size(), now);
    REQUIRE(n > 0);
    q.resize(n);
    return q;
}

}  // namespace

TEST_CASE("a signed request verifies, and every kind of mismatch gets its RFC 8945 error", "[tsig]") {
    const std::uint64_t now = 1700000000;
    std::vector<tsig::Key> server_keys = {key("xfr.", "0123456789abcdef0123456789abcdef")};
    using S = tsig::Verified::Status;
    struct Case {
        const char* what;
        tsig::Key client;
        std::uint64_t client_time;
        int flip_byte;  // -1 = none; else offset from the start to corrupt
        S want;
    };
    std::vector<Case> cases = {
        {"same key", key("xfr.", "0123456789abcdef0123456789abcdef"), now, -1, S::Ok},
        {"same key, name in other case", key("XFR.", "0123456789abcdef0123456789abcdef"), now, -1, S::Ok},
        {"wrong secret", key("xfr.", "0123456789abcdef0123456789abcdeX"), now, -1, S::BadSig},
        {"unknown key name", key("other.", "0123456789abcdef0123456789abcdef"), now, -1, S::BadKey},
        {"other algorithm", key("xfr.", "0123456789abcdef0123456789abcdef", tsig::Algorithm::HmacSha512), now, -1,
         S::BadKey},
        {"message altered after signing", key("xfr.", "0123456789abcdef0123456789abcdef"), now, 14, S::BadSig},
        {"signed 301 s ago (fudge 300)", key("xfr.", "0123456789abcdef0123456789abcdef"), now - 301, -1, S::BadTime},
        {"signed 299 s ahead", key("xfr.", "0123456789abcdef0123456789abcdef"), now + 299, -1, S::Ok},
    };
    for (const auto& c : cases) {
        INFO(c.what);
        auto q = signed_query(c.client, c.client_time);
        if (c.flip_byte >= 0) q[static_cast<std::size_t>(c.flip_byte)] ^= 0x20;
        auto v = tsig::verify_request(q, server_keys, now);
        CHECK(v.status == c.want);
        if (c.want == S::Ok) CHECK(v.mac.size() == 32);
    }
    CHECK(tsig::verify_request(query(1), server_keys, now).status == S::Unsigned);
}

TEST_CASE("a multi-message response chain verifies message by message and breaks on any change", "[tsig]") {
    const std::uint64_t now = 1700000000;
    tsig::Key k = key("xfr.", "secret-secret-secret-secret-1234");
    auto q = signed_query(k, now);
    auto v = tsig::verify_request(q, {k}, now);
    REQUIRE(v.status == tsig::Verified::Status::Ok);
    // Three responses signed in a chain (RFC 8945 §5.3.1: each MAC covers the prior one).
    tsig::Signer signer(k, v.mac);
    std::vector<std::vector<std::uint8_t>> msgs;
    for (int i = 0; i < 3; ++i) {
        std::vector<std::uint8_t> buf(1024);
        dns::MessageWriter w(buf, 1024);
        w.set_header(0x1234, dns::flags::QR | dns::flags::AA);
        if (i == 0) w.add_question(N("e164.arpa."), dns::RrType::AXFR, 1);
        std::vector<std::uint8_t> rdata = {192, 0, 2, static_cast<std::uint8_t>(i)};
        w.add_record(dns::Section::Answer, N("a.e164.arpa."), dns::RrType::A, 1, 60, rdata);
        std::size_t n = w.size();
        n = signer.sign(buf, n, now);
        REQUIRE(n > 0);
        buf.resize(n);
        msgs.push_back(buf);
    }
    struct Case {
        const char* what;
        int corrupt;  // message index to corrupt, -1 none
        bool want_ok;
    };
    for (const auto& c : std::vector<Case>{{"intact", -1, true}, {"first altered", 0, false}, {"middle altered", 1, false},
                                           {"last altered", 2, false}}) {
        INFO(c.what);
        tsig::ResponseVerifier rv(k, v.mac);
        bool all = true;
        for (std::size_t i = 0; i < msgs.size(); ++i) {
            auto m = msgs[i];
            if (static_cast<int>(i) == c.corrupt) m[14] ^= 0x20;  // a letter of the first name changes case
            bool is_signed = false;
            std::string why;
            all = rv.verify(m, now, is_signed, why) && all;
        }
        CHECK(all == c.want_ok);
    }
}

TEST_CASE("base64 secrets decode as BIND and Knot write them", "[tsig]") {
    struct Case {
        const char* text;
        bool ok;
        std::string bytes;
    };
    for (const auto& c : std::vector<Case>{{"c2VjcmV0", true, "secret"},
                                           {"c2VjcmV0cw==", true, "secrets"},
                                           {"c2VjcmV0czE=", true, "secrets1"},
                                           {"c2Vj cmV0", true, "secret"},
                                           {"c2VjcmV", false, ""},
                                           {"c2Vj*mV0", false, ""},
                                           {"", false, ""}}) {
        INFO(c.text);
        auto r = tsig::base64_decode(c.text);
        CHECK(r.has_value() == c.ok);
        if (r && c.ok) CHECK(std::string(r->begin(), r->end()) == c.bytes);
    }
    CHECK(tsig::algorithm_from_text("HMAC-SHA256") == tsig::Algorithm::HmacSha256);
    CHECK(tsig::algorithm_from_text("hmac-md5") == std::nullopt);
}

TEST_CASE("the accepted clock skew is capped at our fudge, whatever the request claims", "[tsig]") {
    // Issue 12 item 10: a request signed 40,000 s ago with fudge 65535 used to verify.
    const std::uint64_t now = 1700000000;
    tsig::Key k = key("xfr.", "0123456789abcdef0123456789abcdef");
    using S = tsig::Verified::Status;
    struct Case {
        const char* what;
        std::int64_t offset;   // signing time relative to now
        std::uint16_t fudge;   // in the request
        std::uint16_t ours;    // the configured maximum
        S want;
    };
    for (const auto& c : std::vector<Case>{
             {"40,000 s ago, request fudge 65535", -40000, 65535, tsig::kFudge, S::BadTime},
             {"60,000 s ahead, request fudge 65535", 60000, 65535, tsig::kFudge, S::BadTime},
             {"299 s ago, request fudge 65535", -299, 65535, tsig::kFudge, S::Ok},
             {"301 s ago, request fudge 65535", -301, 65535, tsig::kFudge, S::BadTime},
             {"100 s ago, request fudge 60: the request's own window", -100, 60, tsig::kFudge, S::BadTime},
             {"100 s ago, configured fudge 120", -100, 300, 120, S::Ok},
             {"200 s ago, configured fudge 120", -200, 300, 120, S::BadTime},
         }) {
        INFO(c.what);
        auto q = query(0x1234);
        std::size_t size = q.size();
        q.resize(4096);
        tsig::Signer s(k, {}, c.fudge);
        std::size_t n = s.sign(q, size, static_cast<std::uint64_t>(static_cast<std::int64_t>(now) + c.offset));
        REQUIRE(n > 0);
        q.resize(n);
        CHECK(tsig::verify_request(q, {k}, now, c.ours).status == c.want);
    }
}

TEST_CASE("a parsed request verifies from the parse, without a second walk", "[tsig]") {
    const std::uint64_t now = 1700000000;
    tsig::Key k = key("xfr.", "0123456789abcdef0123456789abcdef");
    auto q = signed_query(k, now);
    dns::MessageView m;
    REQUIRE(dns::parse_query(q, m) == dns::QueryParse::Ok);
    CHECK(m.tsig_offset > 0);
    CHECK(m.tsig_last);
    auto v = tsig::verify_request(m, {k}, now);
    CHECK(v.status == tsig::Verified::Status::Ok);
    CHECK(v.tsig_offset == m.tsig_offset);
}
