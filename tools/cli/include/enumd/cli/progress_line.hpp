#pragma once
/// A progress line on a terminal, as dpkg, git and rsync show one: while a long job runs, stderr's last line is
/// rewritten every 250 ms with `prefix + text()` (zones::Progress::line(): records, rate, ETA), and cleared when
/// the job ends. When stderr is not a terminal (a pipe, a file, a journal, CI) or TERM is "dumb", nothing at all
/// is written: scripts and logs see only what they saw before (issue 13, "nothing extra otherwise").
///
/// Anything else written to stderr while the line is up must be bracketed by pause()/resume() (diagnostics,
/// log lines), so that it does not land on the end of the progress text.
#include <sys/ioctl.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

namespace enumd::cli {

class ProgressLine {
   public:
    ProgressLine(std::string prefix, std::function<std::string()> text,
                 std::chrono::milliseconds period = std::chrono::milliseconds(250))
        : prefix_(std::move(prefix)), text_(std::move(text)), period_(period) {
        const char* term = std::getenv("TERM");
        if (::isatty(STDERR_FILENO) == 0 || (term != nullptr && std::strcmp(term, "dumb") == 0)) return;
        thread_ = std::thread([this] { run(); });
    }
    ~ProgressLine() { stop(); }
    ProgressLine(const ProgressLine&) = delete;
    ProgressLine& operator=(const ProgressLine&) = delete;

    /// Whether a line is being shown (stderr is a terminal).
    [[nodiscard]] bool active() const noexcept { return thread_.joinable(); }

    /// Clears the line and shows nothing until resume().
    void pause() {
        std::lock_guard lock(mu_);
        paused_ = true;
        clear_locked();
    }
    void resume() {
        std::lock_guard lock(mu_);
        paused_ = false;
    }
    /// Clears the line for good (the destructor does it too).
    void stop() {
        {
            std::lock_guard lock(mu_);
            stopping_ = true;
            clear_locked();
        }
        wake_.notify_all();
        if (thread_.joinable()) thread_.join();
    }

   private:
    void run() {
        std::unique_lock lock(mu_);
        // The first line after one period: a job that ends sooner shows nothing.
        while (!wake_.wait_for(lock, period_, [this] { return stopping_; })) {
            if (paused_) continue;
            std::string line = text_();
            if (line.empty()) {
                clear_locked();
                continue;
            }
            line = prefix_ + line;
            // Never wider than the terminal: a wrapped line could not be rewritten in place.
            winsize ws{};
            if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1 && line.size() >= ws.ws_col)
                line.resize(ws.ws_col - 1u);
            std::fputs(("\r\033[K" + line).c_str(), stderr);
            std::fflush(stderr);
            shown_ = true;
        }
    }
    void clear_locked() {
        if (!shown_) return;
        std::fputs("\r\033[K", stderr);
        std::fflush(stderr);
        shown_ = false;
    }

    std::string prefix_;
    std::function<std::string()> text_;
    std::chrono::milliseconds period_;
    std::mutex mu_;
    std::condition_variable wake_;
    bool paused_ = false;
    bool stopping_ = false;
    bool shown_ = false;
    std::thread thread_;
};

}  // namespace enumd::cli
