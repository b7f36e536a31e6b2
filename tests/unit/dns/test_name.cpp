#include <catch2/catch.hpp>

#include <vector>

#include "enumd/dns/name.hpp"

using enumd::dns::Name;

namespace {
Name N(const char* s) {
    auto r = Name::from_text(s);
    REQUIRE(r.ok());
    return *r;
}
}  // namespace

TEST_CASE("names parse from text and print back with escapes", "[name]") {
    struct Case {
        const char* in;
        const char* out;
        std::size_t labels;
    };
    const Case cases[] = {
        {".", ".", 0},
        {"e164.arpa.", "e164.arpa.", 2},
        {"1.1.9.0.0.5.5.5.3.1.6.e164.arpa", "1.1.9.0.0.5.5.5.3.1.6.e164.arpa.", 13},
        {"a\\.b.example.", "a\\.b.example.", 2},
        {"\\065bc.", "Abc.", 1},
        {"sp\\032ace.", "sp\\032ace.", 1},
    };
    for (const auto& c : cases) {
        auto n = Name::from_text(c.in);
        INFO(c.in);
        REQUIRE(n.ok());
        CHECK(n->to_text() == c.out);
        CHECK(n->label_count() == c.labels);
    }
}

TEST_CASE("bad names are refused with a reason", "[name]") {
    std::string long_label(64, 'a');
    std::string long_name;
    for (int i = 0; i < 50; ++i) long_name += "abcde.";
    for (const std::string& s : {std::string("a..b."), long_label + ".", long_name, std::string("\\999.")}) {
        INFO(s);
        auto n = Name::from_text(s);
        CHECK_FALSE(n.ok());
        if (!n.ok()) CHECK_FALSE(n.error().empty());
    }
}

TEST_CASE("relative names are completed with the origin", "[name]") {
    Name origin = N("e164.arpa.");
    auto n = Name::from_text("1.6", &origin);
    REQUIRE(n.ok());
    CHECK(n->to_text() == "1.6.e164.arpa.");
    CHECK(Name::from_text("@", &origin)->to_text() == "e164.arpa.");
}

TEST_CASE("comparison is case-insensitive and canonical order follows RFC 4034 6.1", "[name]") {
    CHECK(N("EXAMPLE.com.") == N("example.COM."));
    // The RFC 4034 §6.1 example list, in order.
    std::vector<Name> ordered = {N("example."),       N("a.example."),         N("yljkjljk.a.example."),
                                 N("Z.a.example."),   N("zABC.a.EXAMPLE."),    N("z.example."),
                                 N("\\001.z.example."), N("*.z.example."),     N("\\200.z.example.")};
    for (std::size_t i = 0; i + 1 < ordered.size(); ++i) {
        INFO(ordered[i].to_text() << " < " << ordered[i + 1].to_text());
        CHECK(ordered[i].canonical_compare(ordered[i + 1]) < 0);
        CHECK(ordered[i].to_lookup_key() < ordered[i + 1].to_lookup_key());
    }
}

TEST_CASE("lookup keys round-trip and keep descendants contiguous", "[name]") {
    for (const char* s : {"1.1.9.0.0.5.5.5.3.1.6.e164.arpa.", "\\000.\\001x.Example.", "."}) {
        Name n = N(s);
        std::string key = n.to_lookup_key();
        auto back = Name::from_lookup_key({reinterpret_cast<const std::uint8_t*>(key.data()), key.size()});
        REQUIRE(back.ok());
        CHECK(*back == n);
    }
    auto k = [](const char* s) { return N(s).to_lookup_key(); };
    // "a.b." < "x.a.b." < "b\\000.b."? descendants of a.b. sort before any sibling greater than "a".
    CHECK(k("a.b.") < k("x.a.b."));
    CHECK(k("x.a.b.") < k("a\\000.b."));
    CHECK(k("x.a.b.") < k("aa.b."));
}

TEST_CASE("one-digit labels take one key octet and keep the canonical order", "[name]") {
    // Key format 2: a 12-digit number under e164.arpa. is 12 octets plus the suffix's.
    CHECK(N("1.2.3.4.5.6.7.8.9.0.1.6.e164.arpa.").to_lookup_key().size() == N("e164.arpa.").to_lookup_key().size() + 12);
    // Random names over an alphabet that puts every octet class next to the digit codes: digits, the octets
    // just below and above them ('/', ':', '@', 'A'..), letters, '*', '\000', '\001', '\200', and
    // one-digit, multi-digit and mixed labels.
    const std::vector<std::string> atoms = {"0", "1", "5", "9", "/", ":", "@", "A", "z", "*", "-", "_", "\\000", "\\001",
                                            "\\200", "\\255", "0a", "9z", "10", "55", "5:", "5/", "5\\000"};
    std::uint32_t seed = 12345;
    auto rnd = [&seed](std::uint32_t n) {
        seed = seed * 1103515245U + 12345U;
        return (seed >> 8) % n;
    };
    std::vector<Name> names;
    for (int i = 0; i < 3000; ++i) {
        std::string text;
        std::uint32_t labels = rnd(6);
        for (std::uint32_t l = 0; l < labels; ++l) {
            std::uint32_t atoms_in_label = 1 + rnd(3) * rnd(2);
            for (std::uint32_t a = 0; a < atoms_in_label; ++a) text += atoms[rnd(static_cast<std::uint32_t>(atoms.size()))];
            text += '.';
        }
        text += rnd(2) ? "e164.arpa." : "8.7.";
        auto n = Name::from_text(text);
        REQUIRE(n.ok());
        names.push_back(*n);
    }
    auto span = [](const std::string& s) {
        return std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
    };
    for (std::size_t i = 0; i < names.size(); ++i) {
        const Name& a = names[i];
        const Name& b = names[(i * 7919 + 13) % names.size()];
        std::string ka = a.to_lookup_key();
        std::string kb = b.to_lookup_key();
        INFO(a.to_text() << " vs " << b.to_text());
        int canon = a.canonical_compare(b);
        CHECK((canon < 0) == (ka < kb));
        CHECK((canon == 0) == (ka == kb));
        auto back = Name::from_lookup_key(span(ka));
        REQUIRE(back.ok());
        CHECK(*back == a);
        CHECK(enumd::dns::key_label_count(span(ka)) == a.label_count());
        for (std::size_t l = 0; l <= a.label_count(); ++l) {
            std::string ancestor = a.parent(a.label_count() - l).to_lookup_key();
            CHECK(enumd::dns::key_prefix_length(span(ka), l) == ancestor.size());
            CHECK(ka.compare(0, ancestor.size(), ancestor) == 0);  // descendants sort right after
        }
        std::size_t common = 0;
        while (common < a.label_count() && common < b.label_count() &&
               a.parent(a.label_count() - common - 1) == b.parent(b.label_count() - common - 1))
            ++common;
        CHECK(enumd::dns::common_key_labels(span(ka), span(kb)) == common);
    }
    // Octets no key holds are refused: the unused 0x4B..0x5A, a digit code inside a label, a bad escape.
    for (std::string bad : {std::string("\x4b\0", 2), std::string("a\x30\0", 3), std::string("\x01\x05\0", 3)})
        CHECK_FALSE(Name::from_lookup_key(span(bad)).ok());
}

TEST_CASE("common label counting on lookup keys", "[name]") {
    auto k = [](const char* s) { return N(s).to_lookup_key(); };
    auto span = [](const std::string& s) {
        return std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
    };
    std::string a = k("5.4.3.2.0.5.5.5.2.1.6.e164.arpa.");
    std::string b = k("9.4.3.2.0.5.5.5.2.1.6.e164.arpa.");
    CHECK(enumd::dns::common_key_labels(span(a), span(b)) == 12);
    CHECK(enumd::dns::key_label_count(span(a)) == 13);
    std::string c = k("ab.example.");
    std::string d = k("abc.example.");
    CHECK(enumd::dns::common_key_labels(span(c), span(d)) == 1);
}

TEST_CASE("subdomain and parent", "[name]") {
    Name n = N("epdg.epc.mnc001.mcc505.pub.3gppnetwork.org.");
    CHECK(n.is_subdomain_of(N("3GPPnetwork.org.")));
    CHECK(n.is_subdomain_of(N(".")));
    CHECK_FALSE(N("org.").is_subdomain_of(n));
    CHECK(n.parent(2).to_text() == "mnc001.mcc505.pub.3gppnetwork.org.");
    CHECK(n.parent(7).is_root());
    CHECK(N("*.2.0.5.5.5.2.1.6.e164.arpa.").is_wildcard());
}

TEST_CASE("labels are found by walking the wire form, up to 127 of them", "[name]") {
    // 127 one-octet labels: the most a 255-octet name holds. Every label-indexed operation walks the
    // wire form (no offset table): the answers must be those of the text.
    std::string text;
    for (int i = 0; i < 127; ++i) text += std::string(1, static_cast<char>('a' + i % 26)) + ".";
    Name n = N(text.c_str());
    REQUIRE(n.label_count() == 127);
    REQUIRE(n.wire_size() == 255);
    for (std::size_t i = 0; i < 127; ++i) CHECK(n.label(i) == std::string(1, static_cast<char>('a' + i % 26)));
    CHECK(n.label(127).empty());
    CHECK(n.parent(100).to_text() == text.substr(200));
    CHECK(n.parent(126).label_count() == 1);
    CHECK(n.is_subdomain_of(N(text.substr(250).c_str())));
    CHECK_FALSE(n.is_subdomain_of(N("b.a.")));
    CHECK(n.to_text() == text);
    CHECK(N(("X." + text.substr(2)).c_str()).lowercased().to_text() == "x." + text.substr(2));

    // Canonical order compares from the rightmost label: the names differ only in their leftmost.
    Name m = N(("b." + text.substr(2)).c_str());
    CHECK(n.canonical_compare(m) < 0);
    CHECK(m.canonical_compare(n) > 0);
    CHECK(n.to_lookup_key() < m.to_lookup_key());
    // ... and a name is after its own ancestors.
    CHECK(n.parent(1).canonical_compare(n) < 0);
    std::string key = n.to_lookup_key();
    auto back = Name::from_lookup_key({reinterpret_cast<const std::uint8_t*>(key.data()), key.size()});
    REQUIRE(back.ok());
    CHECK(*back == n);
    // Labels of different lengths: "ab.c." against "b.c.": "ab" < "b" in the second label from the right.
    CHECK(N("x.ab.c.").canonical_compare(N("a.b.c.")) < 0);
    CHECK(N("ab.c.").label(0) == "ab");
    CHECK(N("ab.c.").parent(1).label(0) == "c");
}
