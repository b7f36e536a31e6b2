#pragma once
/// The files of one YAML zone: the top-level file as the operator named it,
/// and its includes, which are read only from under one directory
/// (zones/README.md, "Includes"). A zone file is not trusted with the rest
/// of the file system: `enumctl reload` reports the loader's diagnostics to
/// whoever may reload, so an include of /etc/shadow, of ../../x, of a symlink
/// that leads out, or of /dev/zero must be refused before a byte is read.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "enumd/zones/model.hpp"
#include "enumd/zones/yaml_loader.hpp"

namespace enumd::zones::yaml {

/// An included file's text and the path diagnostics name it by (the
/// include as written, joined to the including file's directory).
struct IncludedFile {
    std::string path;
    std::string text;
};

/// A data file a zone names (`numbers_csv`), opened after the checks of an
/// include and read by the caller as a stream: `fd` is owned (close it).
struct DataFile {
    std::string path;
    int fd = -1;
};

/// Resolves and reads includes for one zone, and remembers which files are
/// being read (an include loop is an error) and which were read (a file is
/// included once per zone).
class SourceFiles {
   public:
    SourceFiles(const YamlLoadOptions& options, Diagnostics& diags) : options_(options), d_(diags) {}

    /// The top-level zone file: its real path starts the include stack, and
    /// its directory is the include root unless the options name one.
    void start(const std::string& top_path);

    /// Reads `written` (an include as written in `including_file`): relative
    /// to the including file's directory; refused at `from` unless its real
    /// path (symlinks resolved) is under the include root, it is a regular
    /// file of at most options.max_include_bytes, and it is neither being
    /// read (a loop) nor read before. On success the file is on the include
    /// stack until leave().
    std::optional<IncludedFile> enter(const std::string& written, const std::string& including_file,
                                      const SourceLoc& from);
    void leave() { stack_.pop_back(); }

    /// Every file of the zone read so far, real paths: the top-level file, then its includes and
    /// `numbers_csv` files in the order they were read (the zone's sources: source_hash.hpp).
    [[nodiscard]] std::vector<std::string> files() const {
        std::vector<std::string> all;
        if (!top_.empty()) all.push_back(top_);
        all.insert(all.end(), read_.begin(), read_.end());
        return all;
    }

    /// Opens `written` (a `numbers_csv` of `including_file`) under the rules
    /// of an include, without reading it and without a size bound: the
    /// caller streams it. Counts as read (a second mention is an error).
    std::optional<DataFile> open_data(const std::string& written, const std::string& including_file,
                                      const SourceLoc& from);

   private:
    /// The include root as a real path; empty when it cannot be resolved.
    [[nodiscard]] const std::string& root() const noexcept { return root_; }
    /// The real path and the shown path of `written`, or nullopt after an error at `from`.
    std::optional<std::pair<std::string, std::string>> resolve(const std::string& written,
                                                               const std::string& including_file, const SourceLoc& from,
                                                               std::string_view what);
    /// Opens `real` read-only after the open-time checks (still under the root, a
    /// regular file); -1 after an error at `from`.
    int open_checked(const std::string& real, const std::string& shown, const SourceLoc& from);
    std::optional<std::string> read_bounded(const std::string& real, const std::string& shown, const SourceLoc& from);

    const YamlLoadOptions& options_;
    Diagnostics& d_;
    std::string root_;
    std::string top_;                 ///< real path of the top-level file
    std::vector<std::string> stack_;  ///< real paths of the files being read, outermost first
    std::vector<std::string> read_;   ///< real paths of every included file read
};

}  // namespace enumd::zones::yaml
