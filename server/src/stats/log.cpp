#include "enumd/server/log.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

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

void log(LogLevel level, std::string_view subject, std::string_view event,
         std::initializer_list<std::pair<std::string_view, std::string>> fields) {
    if (level < g_level) return;
    auto now = std::chrono::system_clock::now();
    std::time_t t = std::chrono::system_clock::to_time_t(now);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char ts[96];
    std::snprintf(ts, sizeof ts, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
    std::string line;
    if (g_json) {
        line = std::string("{\"ts\":\"") + ts + "\",\"level\":\"" + level_name(level) + "\",\"subject\":" +
               quote(subject, true) + ",\"event\":" + quote(event, true);
        for (const auto& [k, v] : fields) line += ",\"" + std::string(k) + "\":" + quote(v, true);
        line += "}\n";
    } else {
        line = std::string("ts=") + ts + " level=" + level_name(level) + " subject=" + quote(subject, false) +
               " event=" + quote(event, false);
        for (const auto& [k, v] : fields) {
            line += ' ';
            line += k;
            line += '=';
            line += quote(v, false);
        }
        line += "\n";
    }
    std::lock_guard<std::mutex> lock(g_mutex);
    std::fputs(line.c_str(), stderr);
    std::fflush(stderr);
}

}  // namespace enumd::server
