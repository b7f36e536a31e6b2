// The C API (enumd.h) over the C++ library: one catch per entry point.
#include "enumd/resolver/enumd.h"

#include <cstring>
#include <new>
#include <string>
#include <vector>

#include "enumd/numbering/gpp_names.hpp"
#include "enumd/resolver/stub.hpp"

using namespace enumd;
using namespace enumd::resolver;

struct enumd_ctx {
    StubOptions stub;
    EnumOptions enum_options;
    SipLocateOptions sip_options;
    std::unique_ptr<StubResolver> resolver;
    std::string servers_text;
    void rebuild() {
        resolver = std::make_unique<StubResolver>(stub);
        servers_text = resolver->describe_servers();
    }
};

struct enumd_list {
    std::vector<std::string> items;
    std::vector<SipTarget> targets;
    std::vector<std::string> transports;
};

namespace {

std::vector<std::string> split_commas(const char* s) {
    std::vector<std::string> out;
    std::string cur;
    for (const char* p = s; *p != '\0'; ++p) {
        if (*p == ',') {
            if (!cur.empty()) out.push_back(cur);
            cur.clear();
        } else if (*p != ' ') {
            cur += *p;
        }
    }
    if (!cur.empty()) out.push_back(cur);
    return out;
}

int copy_out(const std::string& s, char* buf, size_t buflen) {
    if (buf == nullptr || buflen < s.size() + 1) return ENUMD_ERANGE;
    std::memcpy(buf, s.c_str(), s.size() + 1);
    return ENUMD_OK;
}

template <typename F>
int guarded(F&& f) noexcept {
    try {
        return f();
    } catch (const std::bad_alloc&) {
        return ENUMD_ENOMEM;
    } catch (...) {
        return ENUMD_EINTERNAL;
    }
}

}  // namespace

extern "C" {

const char* enumd_strerror(int code) {
    switch (code) {
    case ENUMD_OK: return "success";
    case ENUMD_EINVAL: return "invalid argument";
    case ENUMD_ENOMEM: return "out of memory";
    case ENUMD_ENXDOMAIN: return "domain does not exist (NXDOMAIN)";
    case ENUMD_ENORECORD: return "no usable record";
    case ENUMD_ETIMEOUT: return "no DNS server answered (timeout)";
    case ENUMD_ESERVFAIL: return "DNS servers failed (SERVFAIL)";
    case ENUMD_ENOTOFFERED: return "service not offered (SRV target \".\")";
    case ENUMD_ERANGE: return "buffer too small or index out of range";
    case ENUMD_EINTERNAL: return "internal error";
    case ENUMD_EREFUSED: return "DNS server refused the query (REFUSED)";
    case ENUMD_EUNREACHABLE: return "no DNS server reachable (connection refused)";
    default: return "unknown error";
    }
}

int enumd_new(enumd_ctx** out, const char* servers) {
    if (out == nullptr) return ENUMD_EINVAL;
    *out = nullptr;
    return guarded([&]() -> int {
        auto ctx = std::make_unique<enumd_ctx>();
        if (servers != nullptr) {
            for (const auto& s : split_commas(servers)) {
                auto sv = parse_server(s);
                if (!sv) return ENUMD_EINVAL;
                ctx->stub.servers.push_back(*sv);
            }
        }
        ctx->rebuild();
        *out = ctx.release();
        return ENUMD_OK;
    });
}

void enumd_free(enumd_ctx* ctx) { delete ctx; }

int enumd_set_suffixes(enumd_ctx* ctx, const char* suffixes) {
    if (ctx == nullptr || suffixes == nullptr) return ENUMD_EINVAL;
    return guarded([&]() -> int {
        std::vector<dns::Name> names;
        for (auto s : split_commas(suffixes)) {
            if (s.back() != '.') s += '.';
            auto n = dns::Name::from_text(s);
            if (!n) return ENUMD_EINVAL;
            names.push_back(*n);
        }
        if (names.empty()) return ENUMD_EINVAL;
        ctx->enum_options.suffixes = std::move(names);
        return ENUMD_OK;
    });
}

int enumd_set_timeout_ms(enumd_ctx* ctx, unsigned ms) {
    if (ctx == nullptr || ms == 0) return ENUMD_EINVAL;
    return guarded([&]() -> int {
        ctx->stub.timeout = std::chrono::milliseconds(ms);
        ctx->rebuild();
        return ENUMD_OK;
    });
}

int enumd_set_mode(enumd_ctx* ctx, int mode_flags) {
    constexpr int kKnown = ENUMD_MODE_FAILOVER | ENUMD_MODE_WEIGHTED | ENUMD_MODE_REPLACEMENT_ONLY;
    if (ctx == nullptr || (mode_flags & ~kKnown) != 0) return ENUMD_EINVAL;
    ctx->enum_options.failover_across_orders = (mode_flags & ENUMD_MODE_FAILOVER) != 0;
    ctx->enum_options.preference_as_weight = (mode_flags & ENUMD_MODE_WEIGHTED) != 0;
    ctx->enum_options.reading = (mode_flags & ENUMD_MODE_REPLACEMENT_ONLY) != 0 ? numbering::SubstReading::ReplacementOnly
                                                                               : numbering::SubstReading::Sed;
    return ENUMD_OK;
}

int enumd_set_seed(enumd_ctx* ctx, unsigned long long seed) {
    if (ctx == nullptr) return ENUMD_EINVAL;
    ctx->enum_options.seed = seed;
    ctx->sip_options.seed = seed;
    return ENUMD_OK;
}

const char* enumd_servers(const enumd_ctx* ctx) { return ctx == nullptr ? "" : ctx->servers_text.c_str(); }

int enumd_enum_lookup(enumd_ctx* ctx, const char* number, const char* service, enumd_list** out) {
    if (ctx == nullptr || number == nullptr || out == nullptr) return ENUMD_EINVAL;
    *out = nullptr;
    return guarded([&]() -> int {
        EnumOptions opts = ctx->enum_options;
        if (service != nullptr && *service != '\0') {
            auto f = numbering::ServiceFilter::parse(service);
            if (!f) return ENUMD_EINVAL;
            opts.service = *f;
        }
        auto r = ctx->resolver->enum_lookup_blocking(number, opts);
        switch (r.outcome) {
        case EnumOutcome::Ok: break;
        case EnumOutcome::BadNumber: return ENUMD_EINVAL;
        case EnumOutcome::NxDomain: return ENUMD_ENXDOMAIN;
        case EnumOutcome::NoUsable: return ENUMD_ENORECORD;
        case EnumOutcome::Timeout: return ENUMD_ETIMEOUT;
        case EnumOutcome::ServFail: return ENUMD_ESERVFAIL;
        case EnumOutcome::Refused: return ENUMD_EREFUSED;
        case EnumOutcome::Unreachable: return ENUMD_EUNREACHABLE;
        }
        auto list = std::make_unique<enumd_list>();
        for (const auto& t : r.targets) list->items.push_back(t.uri);
        *out = list.release();
        return ENUMD_OK;
    });
}

int enumd_sip_locate(enumd_ctx* ctx, const char* uri, enumd_list** out) {
    if (ctx == nullptr || uri == nullptr || out == nullptr) return ENUMD_EINVAL;
    *out = nullptr;
    return guarded([&]() -> int {
        auto r = ctx->resolver->locate_sip_blocking(uri, ctx->sip_options);
        switch (r.outcome) {
        case LocateOutcome::Ok: break;
        case LocateOutcome::BadUri: return ENUMD_EINVAL;
        case LocateOutcome::NotOffered: return ENUMD_ENOTOFFERED;
        case LocateOutcome::NxDomain: return ENUMD_ENXDOMAIN;
        case LocateOutcome::NoAddress: return ENUMD_ENORECORD;
        case LocateOutcome::Timeout: return ENUMD_ETIMEOUT;
        case LocateOutcome::ServFail: return ENUMD_ESERVFAIL;
        case LocateOutcome::Refused: return ENUMD_EREFUSED;
        case LocateOutcome::Unreachable: return ENUMD_EUNREACHABLE;
        }
        auto list = std::make_unique<enumd_list>();
        for (const auto& t : r.targets) {
            list->items.push_back(std::string(to_string(t.transport)) + " " + t.host + ":" + std::to_string(t.port) + " " +
                                  t.address);
            list->transports.emplace_back(to_string(t.transport));
        }
        list->targets = r.targets;
        *out = list.release();
        return ENUMD_OK;
    });
}

size_t enumd_list_count(const enumd_list* list) { return list == nullptr ? 0 : list->items.size(); }

const char* enumd_list_item(const enumd_list* list, size_t index) {
    if (list == nullptr || index >= list->items.size()) return nullptr;
    return list->items[index].c_str();
}

int enumd_list_target(const enumd_list* list, size_t index, const char** transport, const char** host, unsigned* port,
                      const char** address) {
    if (list == nullptr) return ENUMD_EINVAL;
    if (index >= list->targets.size()) return ENUMD_ERANGE;
    const auto& t = list->targets[index];
    if (transport != nullptr) *transport = list->transports[index].c_str();
    if (host != nullptr) *host = t.host.c_str();
    if (port != nullptr) *port = t.port;
    if (address != nullptr) *address = t.address.c_str();
    return ENUMD_OK;
}

void enumd_list_free(enumd_list* list) { delete list; }

int enumd_epdg_fqdn(const char* mcc, const char* mnc, char* buf, size_t buflen) {
    if (mcc == nullptr || mnc == nullptr) return ENUMD_EINVAL;
    return guarded([&]() -> int {
        auto p = numbering::Plmn::make(mcc, mnc);
        if (!p) return ENUMD_EINVAL;
        return copy_out(numbering::epdg_fqdn(*p), buf, buflen);
    });
}

int enumd_epdg_visited_country_fqdn(const char* mcc, char* buf, size_t buflen) {
    if (mcc == nullptr) return ENUMD_EINVAL;
    return guarded([&]() -> int {
        auto f = numbering::epdg_visited_country_fqdn(mcc);
        if (!f) return ENUMD_EINVAL;
        return copy_out(*f, buf, buflen);
    });
}

}  // extern "C"
