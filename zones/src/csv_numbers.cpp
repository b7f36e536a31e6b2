// `numbers_csv:` — bulk numbers from CSV files (zones/README.md "Bulk numbers
// from CSV"). A file is streamed line by line through a fixed buffer: its text
// is never held whole, a line longer than kMaxCsvLine is refused on its own,
// and a bad row is reported with file:line:column while the rest of the file
// is still checked (at most kMaxCsvErrors rows shown per file, then a count).
// Diagnostics never quote the file's text — only numbers this reader has
// parsed into digits — as for includes: the file may be any file under the
// zone's directory.

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

#include "enumd/numbering/e164.hpp"
#include "enumd/numbering/enumservice.hpp"
#include "enumd/numbering/subst_expr.hpp"
#include "enumd/zones/naptr.hpp"
#include "enumd/zones/progress.hpp"
#include "enumd/zones/route.hpp"
#include "yaml_numbers.hpp"

namespace enumd::zones::yaml {

using dns::RrType;

namespace {

/// A CSV row of a numbering database is a number, a route name, an rn and
/// maybe a URI: a line of more than 4 KiB is not one (a binary file, a
/// missing newline), and refusing it keeps the reader's memory fixed.
constexpr std::size_t kMaxCsvLine = 4096;
/// Rows reported per file: a file of the wrong shape would otherwise give
/// millions of diagnostics. The rest are counted in one more.
constexpr std::size_t kMaxCsvErrors = 100;
constexpr std::size_t kReadBuffer = std::size_t{1} << 20;

enum class Column { Number, Route, Rn, Naptr };

/// Closes the data file on every path out.
struct OwnedFd {
    int fd;
    OwnedFd(const OwnedFd&) = delete;
    OwnedFd& operator=(const OwnedFd&) = delete;
    explicit OwnedFd(int f) : fd(f) {}
    ~OwnedFd() {
        if (fd >= 0) ::close(fd);
    }
};

/// Lines of a file through one buffer: `next` gives each line without its
/// LF (and CR), with `too_long` set (and the text empty) for a line over
/// kMaxCsvLine, whose bytes are skipped up to its end.
class LineReader {
   public:
    explicit LineReader(int fd) : fd_(fd), buf_(kReadBuffer) {}

    /// False at the end of the file; `failed` after a read error.
    bool next(std::string_view& line, bool& too_long) {
        too_long = false;
        for (;;) {
            const char* start = buf_.data() + pos_;
            const char* nl = static_cast<const char*>(std::memchr(start, '\n', end_ - pos_));
            if (nl != nullptr) {
                std::size_t len = static_cast<std::size_t>(nl - start);
                pos_ += len + 1;
                return take(start, len, line, too_long);
            }
            if (eof_) {
                if (pos_ == end_ && !skipping_) return false;
                std::size_t len = end_ - pos_;
                pos_ = end_;
                return take(start, len, line, too_long);
            }
            if (end_ - pos_ > kMaxCsvLine) {
                skipping_ = true;  // the rest of this line is dropped as it arrives
                pos_ = end_;
            }
            fill();
        }
    }
    [[nodiscard]] int line_no() const noexcept { return line_no_; }
    [[nodiscard]] bool failed() const noexcept { return failed_; }
    /// Bytes of the file up to the end of the line `next` gave last.
    [[nodiscard]] std::uint64_t offset() const noexcept { return read_ - (end_ - pos_); }

   private:
    /// One whole line of `len` bytes at `start` (its newline already consumed).
    bool take(const char* start, std::size_t len, std::string_view& line, bool& too_long) {
        ++line_no_;
        if (skipping_ || len > kMaxCsvLine) {
            too_long = true;
            skipping_ = false;
            line = {};
            return true;
        }
        line = trim_cr({start, len});
        return true;
    }
    static std::string_view trim_cr(std::string_view l) {
        if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
        return l;
    }
    void fill() {
        std::memmove(buf_.data(), buf_.data() + pos_, end_ - pos_);
        end_ -= pos_;
        pos_ = 0;
        while (end_ < buf_.size()) {
            ssize_t n = ::read(fd_, buf_.data() + end_, buf_.size() - end_);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {
                failed_ = n < 0;
                eof_ = true;
                return;
            }
            end_ += static_cast<std::size_t>(n);
            read_ += static_cast<std::uint64_t>(n);
            if (std::memchr(buf_.data() + end_ - static_cast<std::size_t>(n), '\n', static_cast<std::size_t>(n)) !=
                nullptr)
                return;
        }
    }

    int fd_;
    std::vector<char> buf_;
    std::size_t pos_ = 0;
    std::size_t end_ = 0;
    std::uint64_t read_ = 0;
    int line_no_ = 0;
    bool eof_ = false;
    bool failed_ = false;
    bool skipping_ = false;
};

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

using Field = NumberReader::CsvField;
using CsvReport = NumberReader::CsvReport;

/// Splits a line at commas (RFC 4180: a field may be double-quoted, with ""
/// for a quote inside; blanks around a field are dropped). `unquoted` holds
/// the text of quoted fields that had "" in them. Returns false with
/// `bad_column` for a quote that is not closed or is followed by more text;
/// `count` may exceed fields.size() (too many columns).
bool split_row(std::string_view line, std::array<Field, 4>& fields, std::size_t& count,
               std::array<std::string, 4>& unquoted, int& bad_column) {
    count = 0;
    std::size_t i = 0;
    for (;;) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
        Field f;
        f.column = static_cast<int>(i) + 1;
        if (i < line.size() && line[i] == '"') {
            std::size_t start = i + 1;
            std::size_t j = start;
            bool escaped = false;
            for (;;) {
                if (j >= line.size()) {
                    bad_column = f.column;
                    return false;
                }
                if (line[j] == '"') {
                    if (j + 1 < line.size() && line[j + 1] == '"') {
                        escaped = true;
                        j += 2;
                        continue;
                    }
                    break;
                }
                ++j;
            }
            f.text = line.substr(start, j - start);
            if (escaped && count < fields.size()) {
                std::string& u = unquoted[count];
                u.clear();
                for (std::size_t k = 0; k < f.text.size(); ++k) {
                    u.push_back(f.text[k]);
                    if (f.text[k] == '"') ++k;
                }
                f.text = u;
            }
            i = j + 1;
            while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
            if (i < line.size() && line[i] != ',') {
                bad_column = static_cast<int>(i) + 1;
                return false;
            }
        } else {
            std::size_t comma = line.find(',', i);
            std::size_t stop = comma == std::string_view::npos ? line.size() : comma;
            f.text = trim(line.substr(i, stop - i));
            i = stop;
        }
        if (count < fields.size()) fields[count] = f;
        ++count;
        if (i >= line.size()) return true;
        ++i;  // the comma
    }
}

/// Reads the header line into `columns`; false (reported) when it is not one.
bool csv_header(const std::array<Field, 4>& fields, std::size_t count, std::array<Column, 4>& columns,
                              std::size_t& ncolumns, const CsvReport& report) {
    const std::string_view kHeader = "the header line is number,route[,rn][,naptr] (columns in any order)";
    if (count > fields.size()) {
        report(1, std::string("too many columns in the header: ") + std::string(kHeader));
        return false;
    }
    std::array<bool, 4> seen{};
    for (std::size_t i = 0; i < count; ++i) {
        std::string_view name = fields[i].text;
        Column c;
        if (name == "number")
            c = Column::Number;
        else if (name == "route")
            c = Column::Route;
        else if (name == "rn")
            c = Column::Rn;
        else if (name == "naptr")
            c = Column::Naptr;
        else {
            // Not quoted: the first line of any file would be shown.
            report(fields[i].column, "header column " + std::to_string(i + 1) + " is not a known column; " +
                                         std::string(kHeader));
            return false;
        }
        if (seen[static_cast<std::size_t>(c)]) {
            report(fields[i].column, "header column " + std::to_string(i + 1) + " repeats an earlier column");
            return false;
        }
        seen[static_cast<std::size_t>(c)] = true;
        columns[i] = c;
    }
    if (!seen[static_cast<std::size_t>(Column::Number)] ||
        !(seen[static_cast<std::size_t>(Column::Route)] || seen[static_cast<std::size_t>(Column::Naptr)])) {
        report(fields[0].column, "the header needs a 'number' column and 'route' or 'naptr'; " + std::string(kHeader));
        return false;
    }
    ncolumns = count;
    return true;
}

}  // namespace

void NumberReader::numbers_csv(const ytree::Node& n, SourceFiles& files) {
    std::string here = s_.file;
    for (const auto& p : list_or_one(n)) {
        auto rel = get_string(p, "numbers_csv");
        if (!rel) continue;
        auto file = files.open_data(*rel, here, loc(p));
        if (!file) continue;
        csv_file(file->path, file->fd);
    }
}

void NumberReader::csv_file(const std::string& path, int fd) {
    OwnedFd owned(fd);
    LineReader lines(fd);
    struct stat st {};
    const std::uint64_t progress_base =
        progress().add_source(::fstat(fd, &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0);
    std::size_t errors = 0;
    auto report = [&](int column, std::string msg) {
        if (++errors <= kMaxCsvErrors) s_.diags.error(SourceLoc{path, lines.line_no(), column}, std::move(msg));
    };
    std::array<Column, 4> columns{};
    std::size_t ncolumns = 0;
    std::array<Field, 4> fields{};
    std::array<std::string, 4> unquoted;
    std::string_view line;
    bool too_long = false;
    bool first = true;
    while (lines.next(line, too_long)) {
        if (first && line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);  // a UTF-8 byte order mark
        if (too_long) {
            report(1, "line longer than " + std::to_string(kMaxCsvLine) + " bytes (not a CSV row of numbers)");
            if (first) break;
            continue;
        }
        std::string_view t = trim(line);
        if (t.empty() || t.front() == '#') continue;  // empty lines and comments
        std::size_t count = 0;
        int bad_column = 0;
        if (!split_row(line, fields, count, unquoted, bad_column)) {
            report(bad_column, "a quoted field must end with '\"' before the next ','");
            if (first) break;
            continue;
        }
        if (first) {
            first = false;
            if (!csv_header(fields, count, columns, ncolumns, report)) break;
            continue;
        }
        if (count > ncolumns) {
            report(fields[std::min(count, fields.size()) - 1].column,
                   "row has " + std::to_string(count) + " columns, the header " + std::to_string(ncolumns));
            continue;
        }
        CsvRow row;
        for (std::size_t i = 0; i < count; ++i) {
            switch (columns[i]) {
                case Column::Number:
                    row.number = fields[i];
                    break;
                case Column::Route:
                    row.route = fields[i];
                    break;
                case Column::Rn:
                    row.rn = fields[i];
                    break;
                case Column::Naptr:
                    row.naptr = fields[i];
                    break;
            }
        }
        if (row.number.column == 0) row.number.column = 1;
        csv_row(row, path, lines.line_no(), report);
        progress().at(progress_base + lines.offset());
        progress().read();
    }
    if (lines.failed()) s_.diags.error(SourceLoc{path, lines.line_no(), 0}, "read error in '" + path + "'");
    if (first && errors == 0)
        s_.diags.error(SourceLoc{path, 1, 1}, "no header line: the first line names the columns (number,route[,rn])");
    if (errors > kMaxCsvErrors)
        s_.diags.error(SourceLoc{path, 0, 0}, std::to_string(errors - kMaxCsvErrors) + " more errors in '" + path +
                                                  "' not shown (the first " + std::to_string(kMaxCsvErrors) +
                                                  " are)");
}

void NumberReader::csv_row(const CsvRow& row, const std::string& path, int line, const CsvReport& report) {
    numbering::NumberText num;
    if (row.number.text.empty()) {
        report(row.number.column, "row without a number");
        return;
    }
    if (auto bad = numbering::parse_number(row.number.text, num)) {
        // parse_number's sentences may quote the text; the file is not quoted here.
        bool quotes = bad->message.find(row.number.text) != std::string::npos;
        report(row.number.column + static_cast<int>(bad->offset),
               quotes ? "not a number: digits with an optional leading '+' and the separators space, '-', '.', "
                        "'/', '(' and ')'"
                      : bad->message);
        return;
    }
    // Inside the zone: the digits its origin implies, a name of at most 255 octets. The owner
    // name itself is built only for rows that become records (most rows are bulk entries).
    if (!implied_) implied_ = numbering::implied_digits(s_.origin);
    if (!num.digits.starts_with(*implied_) ||
        s_.origin.wire_size() + 2 * (num.digits.size() - implied_->size()) > dns::kMaxNameLength) {
        report(row.number.column, numbering::owner_from_digits(num.digits, s_.origin).error());
        return;
    }
    const std::string pretty = numbering::format_number(num.digits, num.prefix);
    const bool has_route = !row.route.text.empty();
    const bool has_rn = !row.rn.text.empty();
    const bool has_naptr = !row.naptr.text.empty();
    SourceLoc where{path, line, row.number.column};
    std::vector<Record> recs;
    if (has_route && has_naptr) {
        report(row.naptr.column, "number " + pretty + " has a route and a naptr: give one of them");
        return;
    }
    if (has_route) {
        if (row.route.text != last_route_) {
            last_route_.assign(row.route.text);
            last_route_it_ = route_index_.find(last_route_);
        }
        auto it = last_route_it_;
        if (it == route_index_.end()) {
            report(row.route.column, "unknown route (routes are defined under the zone's top-level 'routes')");
            return;
        }
        if (it->second == 0) return;  // the route's own errors are reported where it is defined
        const Route& route = s_.routes[it->second - 1];
        numbering::NumberText rn;
        if (has_rn) {
            if (numbering::parse_number(row.rn.text, rn) || rn.prefix) {
                report(row.rn.column, "rn is one routing number (RFC 4694 §4): digits with an optional leading '+'");
                return;
            }
        }
        if (route.uses_rn() && !has_rn) {
            report(row.route.column, "route '" + route.name + "' has {rn}: number " + pretty + " needs an rn");
            return;
        }
        if (!route.uses_rn() && has_rn) {
            report(row.rn.column, "route '" + route.name + "' has no {rn}: this rn would not be used");
            return;
        }
        if (!num.prefix) {
            // The common row: kept out of the records, sorted with the others on disk.
            bulk_number(num, it->second, rn.digits, path, line, report);
            return;
        }
        where.column = row.route.column;
        std::vector<std::string> problems;
        auto owner = numbering::owner_from_digits(num.digits, s_.origin);
        if (!owner || !route_records(it->second, rn.digits, *owner, s_.ttl, where, recs, problems)) {
            for (auto& p : problems) report(row.rn.column, std::move(p));
            return;
        }
    } else if (has_rn) {
        report(row.rn.column, "an rn (a routing number) is for rows with a route");
        return;
    } else if (has_naptr) {
        // One record from a URI, as the YAML shorthand `naptr: URI` (zones/README.md).
        auto re = numbering::subst_expr_for_uri(row.naptr.text);
        auto svc = numbering::service_for_uri(row.naptr.text);
        if (!re || !svc) {
            report(row.naptr.column, !re ? "naptr is one URI (scheme:...), as the YAML shorthand"
                                         : "no enumservice is known for this URI's scheme; use a route or YAML");
            return;
        }
        Naptr x;
        x.service = *svc;
        x.regexp = *re;
        auto wire = encode_naptr(x);
        if (!wire) {
            report(row.naptr.column, wire.error());
            return;
        }
        where.column = row.naptr.column;
        auto owner = numbering::owner_from_digits(num.digits, s_.origin);
        if (!owner) return;
        recs.push_back(Record{*owner, RrType::NAPTR, s_.ttl, std::move(*wire), where, false, RouteRef{}});
    } else {
        report(row.number.column, "number " + pretty + " has neither a route nor a naptr");
        return;
    }
    std::string key = num.digits + (num.prefix ? "*" : "");
    auto [seen, fresh] = numbers_seen_.emplace(key, SourceLoc{path, line, row.number.column});
    if (!fresh) {
        report(row.number.column, "number " + pretty + " is defined twice (first at " + seen->second.to_text() + ")");
        return;
    }
    if (num.prefix) {
        s_.ranges.push_back(PrefixRange{recs.front().owner, std::move(recs), SourceLoc{path, line, row.number.column}});
    } else {
        for (auto& r : recs) s_.records.push_back(std::move(r));
    }
}

}  // namespace enumd::zones::yaml

namespace enumd::zones::yaml {
namespace {

/// The digit paths of the YAML part of a zone that bulk numbers must not
/// simply be written beside: names with records (kExact; `number` when a
/// number of the zone is there) and names whose subtree belongs to
/// something else (kBelow: a prefix range, a wildcard's parent, a zone cut).
struct DigitTrie {
    static constexpr std::uint8_t kExact = 1;
    static constexpr std::uint8_t kBelow = 2;
    struct Node {
        std::array<std::int32_t, 10> child;
        std::uint8_t flags = 0;
        std::int32_t number = -1;  ///< index into the numbers' locations
        Node() { child.fill(-1); }
    };
    std::vector<Node> nodes = std::vector<Node>(1);
    std::size_t at(std::string_view digits) {
        std::size_t i = 0;
        for (char c : digits) {
            auto d = static_cast<std::size_t>(c - '0');
            if (d > 9) return i;
            if (nodes[i].child[d] < 0) {
                nodes[i].child[d] = static_cast<std::int32_t>(nodes.size());
                nodes.emplace_back();
            }
            i = static_cast<std::size_t>(nodes[i].child[d]);
        }
        return i;
    }
};

/// Repeated bulk numbers shown per zone (the rest counted), as rows per file.
constexpr std::size_t kMaxRepeatErrors = 100;

}  // namespace

void NumberReader::bulk_number(const numbering::NumberText& num, std::uint16_t route, std::string_view rn,
                               const std::string& path, int line, const CsvReport& report) {
    const Route& r = s_.routes[route - 1];
    if (!rn.empty()) {
        for (const auto& t : r.records) {
            auto rd = expand_route_naptr(t, rn);
            if (!rd) {
                report(0, "route '" + r.name + "' with this rn: " + rd.error());
                return;
            }
        }
    }
    if (!bulk_) bulk_ = std::make_unique<BulkSorter>(options_.bulk_temp_dir, options_.bulk_run_entries);
    if (bulk_files_.empty() || bulk_files_.back() != path) {
        if (bulk_files_.size() >= 0xFFFF) {
            report(0, "more than 65535 CSV files in one zone");
            return;
        }
        bulk_files_.push_back(path);
    }
    if (!implied_) implied_ = numbering::implied_digits(s_.origin);
    const std::size_t implied = implied_->size();
    BulkEntry e;
    std::string_view rel = std::string_view(num.digits).substr(std::min(implied, num.digits.size()));
    std::copy_n(rel.data(), std::min(rel.size(), e.digits.size() - 1), e.digits.begin());
    e.rn_length = static_cast<std::uint8_t>(std::min(rn.size(), e.rn.size()));
    std::copy_n(rn.data(), e.rn_length, e.rn.begin());
    e.route = route;
    e.file = static_cast<std::uint16_t>(bulk_files_.size() - 1);
    e.line = static_cast<std::uint32_t>(line);
    bulk_->add(e);  // a failed spill is reported once, by finish_bulk
}

void NumberReader::materialize(const BulkEntry& e) {
    std::string digits = numbering::implied_digits(s_.origin) + std::string(e.digits.data(), e.digit_count());
    auto owner = numbering::owner_from_digits(digits, s_.origin);
    if (!owner) return;  // checked when the row was read
    std::vector<std::string> problems;
    route_records(e.route, std::string_view(e.rn.data(), e.rn_length), *owner, s_.ttl,
                  SourceLoc{bulk_files_[e.file], static_cast<int>(e.line), 0}, s_.records, problems);
}

void NumberReader::finish_bulk(Zone& zone) {
    if (!bulk_) return;
    const std::string implied = numbering::implied_digits(s_.origin);
    DigitTrie trie;
    std::vector<SourceLoc> locs;
    for (const auto& [key, where] : numbers_seen_) {
        bool prefix = !key.empty() && key.back() == '*';
        std::string_view d = key;
        if (prefix) d.remove_suffix(1);
        if (d.size() < implied.size()) continue;
        auto& n = trie.nodes[trie.at(d.substr(implied.size()))];
        if (prefix) {
            n.flags |= DigitTrie::kBelow;
        } else {
            n.flags |= DigitTrie::kExact;
            n.number = static_cast<std::int32_t>(locs.size());
            locs.push_back(where);
        }
    }
    auto mark = [&](const dns::Name& owner, std::uint8_t flags) {
        auto digits = numbering::digits_from_owner(owner, s_.origin);
        if (!digits || digits->size() < implied.size()) return;
        trie.nodes[trie.at(std::string_view(*digits).substr(implied.size()))].flags |= flags;
    };
    for (const auto& r : s_.records) {
        if (r.owner.is_wildcard()) {
            mark(r.owner.parent(), DigitTrie::kExact | DigitTrie::kBelow);
        } else {
            bool cut = (r.type == RrType::NS || r.type == RrType::DNAME) && !(r.owner == s_.origin);
            mark(r.owner, DigitTrie::kExact | (cut ? DigitTrie::kBelow : 0));
        }
    }
    for (const auto& range : s_.ranges) mark(range.node, DigitTrie::kExact | DigitTrie::kBelow);

    std::size_t repeats = 0;
    auto repeat = [&](const BulkEntry& e, const SourceLoc& first) {
        if (++repeats > kMaxRepeatErrors) return;
        std::string digits = implied + std::string(e.digits.data(), e.digit_count());
        s_.diags.error(SourceLoc{bulk_files_[e.file], static_cast<int>(e.line), 0},
                       "number " + numbering::format_number(digits) + " is defined twice (first at " +
                           first.to_text() + ")");
    };
    auto keep = [&](const BulkEntry& e, const BulkEntry* same) {
        if (same != nullptr) {
            repeat(e, SourceLoc{bulk_files_[same->file], static_cast<int>(same->line), 0});
            return false;
        }
        std::size_t i = 0;
        bool below = (trie.nodes[0].flags & DigitTrie::kBelow) != 0;
        const std::size_t n = e.digit_count();
        for (std::size_t k = 0; k < n && !below; ++k) {
            std::int32_t c = trie.nodes[i].child[static_cast<std::size_t>(e.digits[k] - '0')];
            if (c < 0) return true;  // the common case: nothing of the YAML part on its way
            i = static_cast<std::size_t>(c);
            below = (trie.nodes[i].flags & DigitTrie::kBelow) != 0;
        }
        const auto& node = trie.nodes[i];
        if (!below && node.number >= 0) {
            repeat(e, locs[static_cast<std::size_t>(node.number)]);
            return false;
        }
        if (below || (node.flags & DigitTrie::kExact) != 0) {
            materialize(e);
            return false;
        }
        return true;
    };
    std::unique_ptr<BulkNumbers> sorted = bulk_->finish(keep);
    if (!bulk_->error().empty()) s_.diags.error(SourceLoc{bulk_files_.front(), 0, 0}, bulk_->error());
    if (repeats > kMaxRepeatErrors)
        s_.diags.error(SourceLoc{bulk_files_.front(), 0, 0},
                       std::to_string(repeats - kMaxRepeatErrors) + " more repeated numbers not shown (the first " +
                           std::to_string(kMaxRepeatErrors) + " are)");
    sorted->files = bulk_files_;
    sorted->ttl = s_.ttl;
    zone.bulk = std::move(sorted);
    bulk_.reset();
}

}  // namespace enumd::zones::yaml
