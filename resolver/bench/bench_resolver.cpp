// Google Benchmark of the client library's processing alone: a NAPTR set
// in, ordered URIs out, regexp included (no I/O), plus an end-to-end cached
// lookup against a server given in ENUMD_BENCH_SERVER (e.g. enumd on loopback).
#include <benchmark/benchmark.h>

#include <cstdlib>

#include "enumd/resolver/enum_lookup.hpp"
#include "enumd/resolver/stub.hpp"

using namespace enumd;
using namespace enumd::resolver;

namespace {

NaptrRecord rec(std::uint16_t order, std::uint16_t pref, const std::string& regexp) {
    NaptrRecord r;
    r.order = order;
    r.preference = pref;
    r.flags.assign(1, 'u');  // not = "u": GCC 12 falsely flags that (-Wrestrict)
    r.services = "E2U+sip";
    r.regexp = regexp;
    return r;
}

EnumOptions options(bool weighted) {
    EnumOptions o;
    o.service = *numbering::ServiceFilter::parse("E2U+sip");
    o.preference_as_weight = weighted;
    o.failover_across_orders = weighted;
    return o;
}

void run_set(benchmark::State& state, const std::vector<NaptrRecord>& set, const EnumOptions& o) {
    Rng rng(1);
    for (auto _ : state) {
        auto res = process_naptr_set(set, "+61355500913", o, rng);
        auto uris = flatten_uris(set, res, o);
        benchmark::DoNotOptimize(uris);
    }
}

void BM_single_record(benchmark::State& state) {
    run_set(state, {rec(10, 100, "!^.*$!sip:info@server1.example.net!")}, options(false));
}
BENCHMARK(BM_single_record);

void BM_lab_25_25_50_weighted(benchmark::State& state) {
    run_set(state,
            {rec(10, 100, "!^.*$!sip:info@server1.example.net!"), rec(10, 100, "!^.*$!sip:info@server2.example.net!"),
             rec(10, 200, "!^.*$!sip:info@server3.example.net!")},
            options(true));
}
BENCHMARK(BM_lab_25_25_50_weighted);

void BM_backreference(benchmark::State& state) {
    run_set(state, {rec(100, 100, "!(^.*$)!sip:\\1@server2.example.net!")}, options(false));
}
BENCHMARK(BM_backreference);

/// +61355500913 looked up again and again against ENUMD_BENCH_SERVER, with or without the stub's cache.
void lookup_end_to_end(benchmark::State& state, bool cache) {
    const char* server = std::getenv("ENUMD_BENCH_SERVER");
    if (server == nullptr) {
        state.SkipWithError("set ENUMD_BENCH_SERVER=127.0.0.1:PORT (a server with the lab zone)");
        return;
    }
    StubOptions so;
    so.servers = {*parse_server(server)};
    so.cache = cache;
    StubResolver r(so);
    auto o = options(true);
    for (auto _ : state) {
        auto res = r.enum_lookup_blocking("+61355500913", o);
        if (res.outcome != EnumOutcome::Ok) {
            state.SkipWithError("the server does not answer +61355500913");
            return;
        }
        benchmark::DoNotOptimize(res);
    }
}

void BM_cached_lookup_end_to_end(benchmark::State& state) { lookup_end_to_end(state, true); }
BENCHMARK(BM_cached_lookup_end_to_end);

void BM_uncached_lookup_end_to_end(benchmark::State& state) { lookup_end_to_end(state, false); }
BENCHMARK(BM_uncached_lookup_end_to_end);

}  // namespace

BENCHMARK_MAIN();
