#include "response.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "enumd/dns/wire.hpp"

namespace enumd::server::recursor {

namespace {

/// One section: records appended to their RRset in one pass.
class SectionBuilder {
public:
    explicit SectionBuilder(std::vector<RRset>& out) : out_(out) {}

    void add(const dns::RecordView& rv, std::span<const std::uint8_t> rdata) {
        std::string key = key_of(rv.owner, rv.type);
        auto [it, fresh] = index_.try_emplace(std::move(key), out_.size());
        if (fresh) {
            out_.push_back(RRset{rv.owner, rv.type, rv.ttl, {}});
            seen_.emplace_back();
        }
        RRset& set = out_[it->second];
        set.ttl = std::min(set.ttl, rv.ttl);  // RFC 2181 §5.2
        auto& seen = seen_[it->second];
        std::string_view view(reinterpret_cast<const char*>(rdata.data()), rdata.size());
        if (seen.contains(view)) return;  // RFC 2181 §5: an RRset holds no duplicates
        set.rdatas.emplace_back(rdata.begin(), rdata.end());
        // The view points into the rdata's own heap block, which stays put when `rdatas` grows.
        const auto& stored = set.rdatas.back();
        seen.emplace(reinterpret_cast<const char*>(stored.data()), stored.size());
    }

private:
    std::vector<RRset>& out_;
    std::unordered_map<std::string, std::size_t> index_;
    std::vector<std::unordered_set<std::string_view>> seen_;
};

}  // namespace

bool parse_response(std::span<const std::uint8_t> packet, Response& m) {
    dns::MessageView v;
    dns::parse_message(packet, v);  // the one walk (dns/): header, questions, every record
    if (!v.records_ok) return false;
    m.rcode = v.header.rcode();
    m.aa = v.header.has(dns::flags::AA);
    m.tc = v.header.has(dns::flags::TC);
    std::array<std::uint8_t, 65535> buf;  // scratch for one record's rdata, no need to zero it
    auto section = [&](dns::Section s, std::vector<RRset>& out) {
        SectionBuilder b(out);
        auto records = v.records(s);
        for (dns::RecordView rv; records.next(rv);) {
            if (rv.type == dns::RrType::OPT || rv.rrclass != 1) continue;
            auto n = dns::decompress_rdata(packet, rv, buf);
            if (!n) return false;
            b.add(rv, std::span<const std::uint8_t>(buf.data(), *n));
        }
        return true;
    };
    return section(dns::Section::Answer, m.an) && section(dns::Section::Authority, m.ns) &&
           section(dns::Section::Additional, m.ar);
}

const RRset* find(const std::vector<RRset>& section, const dns::Name& owner, dns::RrType type) {
    for (const auto& s : section) {
        if (s.type == type && s.owner == owner) return &s;
    }
    return nullptr;
}

}  // namespace enumd::server::recursor
