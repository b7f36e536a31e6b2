#pragma once
/// Structured logs on stderr: `ts=… level=… subject="…" event="…" key=value…`.
/// The subject comes first, then the event (STYLE.md).

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace enumd::server {

enum class LogLevel { Debug, Info, Warn, Error };
void set_log_level(LogLevel level);
void set_log_json(bool json);
void log(LogLevel level, std::string_view subject, std::string_view event,
         std::initializer_list<std::pair<std::string_view, std::string>> fields = {});

/// Lines of one event that a client can cause at will (a refused NOTIFY,
/// transfer or update) are written at most this often per second.
inline constexpr unsigned kLogLinesPerSecond = 10;
/// log() for such events: at most kLogLinesPerSecond lines of `event` a
/// second; the first line written after some were left out carries
/// `suppressed=N`, so nothing is lost silently and a flood cannot fill the disk.
void log_limited(LogLevel level, std::string_view subject, std::string_view event,
                 std::initializer_list<std::pair<std::string_view, std::string>> fields = {});

}  // namespace enumd::server
