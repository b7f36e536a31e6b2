#include "enumd/server/log.hpp"

#include <chrono>
#include <cstdio>
#include <cstdint>
#include <ctime>
#include <map>
#include <mutex>
#include <string>

namespace enumd::server {
namespace {
LogLevel g_level = LogLevel::Info;
bool g_json = false;
std::mutex g_mutex;

const char* level_name(LogLevel l) {
    switch (l) {
        case LogLevel::Debug: return "debug";
        case LogLevel::Info: return "info";
        case LogLevel::Warn: return "warn";
        case LogLevel::Error: return "error";
    }
    return "info";
}

std::string quote(std::string_view s, bool json) {
    std::string o = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') {
            o.push_back('\\');
            o.push_back(c);
        } else if (c == '\n') {
            o += json ? "\\n" : " ";
        } else {
            o.push_back(c);
        }
    }
    o.push_back('"');
    return o;
}
}  // namespace

void set_log_level(LogLevel level) { g_level = level; }
void set_log_json(bool json) { g_json = json; }

namespace {

void emit(LogLevel level, std::string_view subject, std::string_view event,
          std::initializer_list<std::pair<std::string_view, std::string>> fields, std::uint64_t suppressed) {
    auto now = std::chrono::system_clock::now();
    std::time_t t = std::chrono::system_clock::to_time_t(now);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char ts[96];
    std::snprintf(ts, sizeof ts, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
    std::string line;
    auto field = [&](std::string_view k, std::string_view v) {
        if (g_json) {
            line += ",\"" + std::string(k) + "\":" + quote(v, true);
        } else {
            line += ' ';
            line += k;
            line += '=';
            line += quote(v, false);
        }
    };
    if (g_json) {
        line = std::string("{\"ts\":\"") + ts + "\",\"level\":\"" + level_name(level) + "\",\"subject\":" +
               quote(subject, true) + ",\"event\":" + quote(event, true);
    } else {
        line = std::string("ts=") + ts + " level=" + level_name(level) + " subject=" + quote(subject, false) +
               " event=" + quote(event, false);
    }
    for (const auto& [k, v] : fields) field(k, v);
    if (suppressed != 0) field("suppressed", std::to_string(suppressed));
    line += g_json ? "}\n" : "\n";
    std::lock_guard<std::mutex> lock(g_mutex);
    std::fputs(line.c_str(), stderr);
    std::fflush(stderr);
}

/// Per event of log_limited: the current second, the lines written in it, the lines left out since the last one.
struct Budget {
    std::int64_t second = 0;
    unsigned written = 0;
    std::uint64_t suppressed = 0;
};
std::mutex g_budget_mutex;
std::map<std::string, Budget, std::less<>> g_budgets;

}  // namespace

void log(LogLevel level, std::string_view subject, std::string_view event,
         std::initializer_list<std::pair<std::string_view, std::string>> fields) {
    if (level < g_level) return;
    emit(level, subject, event, fields, 0);
}

void log_limited(LogLevel level, std::string_view subject, std::string_view event,
                 std::initializer_list<std::pair<std::string_view, std::string>> fields) {
    if (level < g_level) return;
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
    std::uint64_t suppressed = 0;
    {
        std::lock_guard<std::mutex> lock(g_budget_mutex);
        auto it = g_budgets.find(event);
        if (it == g_budgets.end()) it = g_budgets.emplace(std::string(event), Budget{}).first;
        Budget& b = it->second;
        if (b.second != now.tv_sec) {
            b.second = now.tv_sec;
            b.written = 0;
        }
        if (b.written >= kLogLinesPerSecond) {
            ++b.suppressed;
            return;
        }
        ++b.written;
        suppressed = b.suppressed;
        b.suppressed = 0;
    }
    emit(level, subject, event, fields, suppressed);
}

}  // namespace enumd::server
