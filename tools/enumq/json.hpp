#pragma once
// A minimal JSON writer for enumq's --json output (no JSON library in
// Debian 12's Boost 1.74).

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace enumq {

inline std::string json_escape(std::string_view s) {
    std::string out = "\"";
    for (char c : s) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\t': out += "\\t"; break;
        case '\r': out += "\\r"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
                out += buf;
            } else {
                out += c;
            }
        }
    }
    return out + "\"";
}

/// Builds one JSON value with explicit object/array nesting.
class Json {
public:
    Json& begin_object() { sep(); out_ += '{'; first_.push_back(true); return *this; }
    Json& end_object() { out_ += '}'; first_.pop_back(); return *this; }
    Json& begin_array() { sep(); out_ += '['; first_.push_back(true); return *this; }
    Json& end_array() { out_ += ']'; first_.pop_back(); return *this; }
    Json& key(std::string_view k) {
        sep();
        out_ += json_escape(k) + ":";
        after_key_ = true;
        return *this;
    }
    Json& str(std::string_view v) { sep(); out_ += json_escape(v); return *this; }
    Json& num(double v) {
        sep();
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.6g", v);
        out_ += buf;
        return *this;
    }
    Json& integer(long long v) { sep(); out_ += std::to_string(v); return *this; }
    Json& boolean(bool v) { sep(); out_ += v ? "true" : "false"; return *this; }
    Json& null() { sep(); out_ += "null"; return *this; }
    [[nodiscard]] const std::string& text() const { return out_; }

private:
    void sep() {
        if (after_key_) {
            after_key_ = false;
            return;
        }
        if (!first_.empty()) {
            if (!first_.back()) out_ += ',';
            first_.back() = false;
        }
    }
    std::string out_;
    std::vector<bool> first_;
    bool after_key_ = false;
};

}  // namespace enumq
