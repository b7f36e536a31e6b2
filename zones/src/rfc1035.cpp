#include "enumd/zones/rfc1035.hpp"

#include <ldns/ldns.h>
#include <malloc.h>
#include <stdio_ext.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <atomic>
#include <sstream>
#include <string_view>
#include <thread>
#include <utility>

#include "enumd/zones/progress.hpp"
#include "enumd/zones/rdata_text.hpp"
#include "rfc1035_fast.hpp"

namespace enumd::zones {
namespace {

struct RrDeleter {
    void operator()(ldns_rr* rr) const noexcept { ldns_rr_free(rr); }
};
using RrPtr = std::unique_ptr<ldns_rr, RrDeleter>;
struct FileCloser {
    void operator()(FILE* f) const noexcept { std::fclose(f); }
};
using FilePtr = std::unique_ptr<FILE, FileCloser>;

/// $INCLUDE nesting limit: deep enough for any real layout, and it stops
/// include loops that a path check cannot see (links, different spellings).
constexpr int kMaxIncludeDepth = 16;

/// Replaces tabs outside quoted strings and comments by spaces. Both are
/// plain field separators (RFC 1035 §5.1), so the meaning does not change,
/// and byte offsets and line numbers stay the same. ldns 1.8.1/1.8.2 reject a
/// tab right after a quoted string such as a NAPTR regexp (ldns issue #157);
/// this keeps such files loading whatever ldns the build links.
void untab(std::string& text) {
    bool quoted = false;
    bool comment = false;
    bool escaped = false;
    for (char& c : text) {
        if (c == '\n') {
            quoted = comment = escaped = false;
            continue;
        }
        if (comment) continue;
        if (escaped) {
            escaped = false;
            continue;
        }
        if (c == '\\') {
            escaped = true;
        } else if (c == '"') {
            quoted = !quoted;
        } else if (c == ';' && !quoted) {
            comment = true;
        } else if (c == '\t' && !quoted) {
            c = ' ';
        }
    }
}

/// Offset of the first character at or after `pos` that is not blank, a line
/// break or part of a comment: where the next entry starts.
std::size_t next_significant(const std::string& text, std::size_t pos) {
    while (pos < text.size()) {
        char c = text[pos];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            ++pos;
        } else if (c == ';') {
            while (pos < text.size() && text[pos] != '\n') ++pos;
        } else {
            break;
        }
    }
    return pos;
}

/// Asks for transparent huge pages under a large buffer. The records and the
/// text of a large zone are most of the loader's memory, and with 4 KiB pages
/// each page is a fault when first written (a third of a 1.5M-record load's CPU went to
/// faults); the kernel's "madvise" mode, Debian's default, gives huge pages
/// only where asked. A hint: nothing changes where they are not to be had.
void advise_huge_pages(const void* data, std::size_t size) noexcept {
    constexpr std::uintptr_t kHuge = std::uintptr_t{2} << 20;
    auto begin = (reinterpret_cast<std::uintptr_t>(data) + kHuge - 1) & ~(kHuge - 1);
    auto end = (reinterpret_cast<std::uintptr_t>(data) + size) & ~(kHuge - 1);
    if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
}

/// Line breaks in `text`: memchr finds them a vector at a time, where std::count went a byte at a time
/// (143 MB: 28 against 67 ms).
std::size_t count_lines(std::string_view text) {
    std::size_t n = 0;
    const char* p = text.data();
    const char* end = p + text.size();
    while ((p = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)))) != nullptr) {
        ++n;
        ++p;
    }
    return n;
}

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23  // Linux 5.14
#endif

/// Has the kernel populate a buffer's pages on a second thread while this one
/// fills the buffer from its start. A fresh page costs its zeroing, and on a
/// VM whose host took freed memory back, a fault in the host as well: on this
/// project's 2-vCPU VM, clearing pages was 29 % of a 1.4M-record compile's CPU
/// when it ran right after another process freed its memory, half of it under
/// the parser's writes into the record vector (perf). Populated ahead of the
/// parser, `enumctl compile` of that file loaded in 2.24–2.73 s instead of
/// 2.73–2.96 s (three runs each, alternated, after a 1.5 GB allocation freed);
/// where pages are cheap it changes little. The contents are not touched
/// (MADV_POPULATE_WRITE), so the two threads do not race; a kernel without it
/// just ends the thread.
class Prefaulter {
public:
    Prefaulter() = default;
    Prefaulter(const Prefaulter&) = delete;
    Prefaulter& operator=(const Prefaulter&) = delete;
    ~Prefaulter() { stop(); }

    /// Starts populating [data, data + size) (page-aligned inside), from the start, in steps.
    void start(void* data, std::size_t size) {
        stop();
        constexpr std::uintptr_t kPage = 4096;
        auto begin = (reinterpret_cast<std::uintptr_t>(data) + kPage - 1) & ~(kPage - 1);
        auto end = (reinterpret_cast<std::uintptr_t>(data) + size) & ~(kPage - 1);
        if (end <= begin || end - begin < kMinBytes) return;
        halt_.store(false, std::memory_order_relaxed);
        thread_ = std::thread([this, begin, end] {
            for (std::uintptr_t at = begin; at < end && !halt_.load(std::memory_order_relaxed); at += kStep) {
                if (::madvise(reinterpret_cast<void*>(at), std::min<std::uintptr_t>(kStep, end - at),
                              MADV_POPULATE_WRITE) != 0)
                    return;
            }
        });
    }
    /// Stops (at the next step) and waits: before the buffer moves or goes.
    void stop() {
        halt_.store(true, std::memory_order_relaxed);
        if (thread_.joinable()) thread_.join();
    }

private:
    static constexpr std::uintptr_t kStep = std::uintptr_t{8} << 20;
    static constexpr std::uintptr_t kMinBytes = std::uintptr_t{64} << 20;  ///< smaller buffers fault quickly enough
    std::atomic<bool> halt_{false};
    std::thread thread_;
};

/// Populates the heap ahead of the parser's small allocations (each record's
/// data is one: ~1.4 million of 60-100 bytes for the 1M-number file) on a
/// second thread, as Prefaulter does for the record vector. perf of enumd
/// --zone on that file: 7.7 % of all samples were the parser clearing fresh
/// heap pages under malloc's sysmalloc. glibc's main arena grows the heap by
/// brk; with M_TOP_PAD raised to the expected size for the parse, it grows
/// once by that much, and this thread populates what the break has grown by
/// (the kernel's break, read with the brk system call) up to that size.
/// Elsewhere (another libc, a parser on a thread with its own arena) it
/// populates nothing and costs nothing.
class HeapAhead {
public:
    HeapAhead() = default;
    HeapAhead(const HeapAhead&) = delete;
    HeapAhead& operator=(const HeapAhead&) = delete;
    ~HeapAhead() { stop(); }

    /// Expects about `bytes` of small allocations by this thread.
    void start(std::size_t bytes) {
        stop();
#if defined(__GLIBC__) && defined(M_TOP_PAD) && defined(SYS_brk)
        if (bytes < kMinBytes) return;
        bytes = std::min(bytes, kMaxBytes);
        if (mallopt(M_TOP_PAD, static_cast<int>(bytes)) != 1) return;
        padded_ = true;
        const std::uintptr_t from = page_up(current_break());
        const std::uintptr_t goal = from + bytes;
        halt_.store(false, std::memory_order_relaxed);
        thread_ = std::thread([this, from, goal] {
            std::uintptr_t done = from;
            while (done < goal && !halt_.load(std::memory_order_relaxed)) {
                std::uintptr_t top = std::min(goal, current_break() & ~(kPage - 1));
                if (top <= done) {  // nothing new yet: the parser has not grown the heap
                    std::this_thread::sleep_for(std::chrono::milliseconds(1));
                    continue;
                }
                std::uintptr_t step = std::min<std::uintptr_t>(kStep, top - done);
                if (::madvise(reinterpret_cast<void*>(done), step, MADV_POPULATE_WRITE) != 0) return;  // trimmed
                done += step;
            }
        });
#else
        (void)bytes;
#endif
    }
    /// Stops (at the next step), waits, and gives malloc its usual top pad back.
    void stop() {
        halt_.store(true, std::memory_order_relaxed);
        if (thread_.joinable()) thread_.join();
#if defined(__GLIBC__) && defined(M_TOP_PAD)
        if (padded_) mallopt(M_TOP_PAD, kDefaultTopPad);
#endif
        padded_ = false;
    }

private:
    static constexpr std::uintptr_t kPage = 4096;
    static constexpr std::uintptr_t kStep = std::uintptr_t{4} << 20;
    static constexpr std::size_t kMinBytes = std::size_t{32} << 20;   ///< less: the faults cost little
    static constexpr std::size_t kMaxBytes = std::size_t{1} << 30;    ///< mallopt takes an int
    static constexpr int kDefaultTopPad = 128 * 1024;                  ///< glibc's (mallopt(3))
    static std::uintptr_t page_up(std::uintptr_t a) { return (a + kPage - 1) & ~(kPage - 1); }
    static std::uintptr_t current_break() {
#ifdef SYS_brk
        return static_cast<std::uintptr_t>(::syscall(SYS_brk, 0));  // the kernel's break: thread-safe, unlike sbrk
#else
        return 0;
#endif
    }
    std::atomic<bool> halt_{false};
    bool padded_ = false;
    std::thread thread_;
};

/// Splits a directive line into whitespace-separated words, stopping at a comment.
std::vector<std::string> words_of_line(const std::string& text, std::size_t pos) {
    std::size_t end = text.find('\n', pos);
    std::string line = text.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    if (auto semi = line.find(';'); semi != std::string::npos) line.resize(semi);
    std::istringstream in(line);
    std::vector<std::string> words;
    for (std::string w; in >> w;) words.push_back(w);
    return words;
}

/// The origin used while the file has none of its own: ldns would otherwise
/// take "@" for the root and "ns1" for "ns1.", and a BIND file whose origin
/// lives in named.conf would silently become a zone for ".". Names that end
/// up below this reserved name (RFC 6761 §6.4) were relative; they are errors.
constexpr const char* kNoOrigin = "origin-unknown.invalid.";

struct Parser {
    Diagnostics& diags;
    std::vector<Record>& records;
    const Rfc1035Options& options;
    std::optional<dns::Name> no_origin;  ///< kNoOrigin when the caller gave no origin

    bool relative(const dns::Name& n) const { return no_origin && n.is_subdomain_of(*no_origin); }
    std::vector<std::string> include_stack;
    std::vector<std::string> files_read;  ///< every file read, $INCLUDEs too (Zone::source_files)
    rfc1035_fast::Entry entry;            ///< the fast path's record, its rdata buffer reused
    Prefaulter prefault;                  ///< the record vector's pages, ahead of the parse
    HeapAhead heap_ahead;                 ///< the heap's pages for the records' data, ahead of the parse

    /// Reads one file with the given starting origin and default TTL; `given`
    /// is its text when the caller holds it (load_rfc1035_text).
    void parse_file(const std::string& path, ldns_rdf* origin, std::uint32_t default_ttl, const SourceLoc& from,
                    int depth, std::string* given = nullptr) {
        std::error_code ec;
        std::string canonical = path;
        std::string text;
        if (given != nullptr) {
            text = std::move(*given);
        } else {
            canonical = std::filesystem::weakly_canonical(path, ec).string();
            if (ec) canonical = path;
            if (depth > kMaxIncludeDepth ||
                std::find(include_stack.begin(), include_stack.end(), canonical) != include_stack.end()) {
                diags.error(from, "$INCLUDE loop: '" + path + "' is already being read");
                return;
            }
            SourceLoc where = from.file.empty() ? SourceLoc{path, 0, 0} : from;
            // A directory opens as a stream on Linux, and its "size" is huge.
            if (std::filesystem::is_directory(path, ec)) {
                diags.error(where, "zone file '" + path + "' is a directory");
                return;
            }
            std::ifstream in(path, std::ios::binary);
            if (!in) {
                diags.error(where, "cannot open zone file '" + path + "'");
                return;
            }
            // Read in chunks: the size of a pipe or special file is not known in advance. A regular
            // file's size spares the copies of a growing string.
            if (std::filesystem::is_regular_file(path, ec)) {
                auto size = std::filesystem::file_size(path, ec);
                if (!ec) text.reserve(static_cast<std::size_t>(size));
                advise_huge_pages(text.data(), text.capacity());
            }
            std::array<char, 65536> chunk{};
            while (in.read(chunk.data(), chunk.size()) || in.gcount() > 0)
                text.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
        }
        // At most one record per line: one allocation instead of a copy of every record per doubling
        // (a Record is several hundred bytes; the copies were a third of a large compile's CPU).
        prefault.stop();  // the vector may move
        records.reserve(records.size() + 1 + count_lines(text));
        advise_huge_pages(records.data(), records.capacity() * sizeof(Record));
        prefault.start(records.data() + records.size(), (records.capacity() - records.size()) * sizeof(Record));
        // Each record's data is a heap block of its rdata plus malloc's header, rounded to 16: about 96 bytes for
        // a NAPTR line of ~110 characters. Only the outermost file asks (an $INCLUDE's records come out of it).
        if (depth == 0) heap_ahead.start(text.size() * 7 / 8);

        include_stack.push_back(canonical);
        if (given == nullptr) files_read.push_back(canonical);
        const std::uint64_t progress_base = progress().add_source(text.size());
        if (text.empty()) {
            include_stack.pop_back();
            return;
        }
        FilePtr fp(fmemopen(text.data(), text.size(), "r"));
        if (!fp) {
            diags.error({path, 0, 0}, "cannot read zone file '" + path + "'");
            include_stack.pop_back();
            return;
        }
        // ldns reads a character at a time (fgetc); the stream is this thread's alone, so without
        // stdio's per-call lock: a fifth of ldns' parse time (138,148 records: 0.78 → 0.62 s CPU).
        __fsetlocking(fp.get(), FSETLOCKING_BYCALLER);
        // ldns owns and replaces the origin and previous-owner rdfs it is given.
        ldns_rdf* cur_origin = origin != nullptr ? ldns_rdf_clone(origin) : nullptr;
        ldns_rdf* prev = nullptr;
        std::uint32_t ttl = default_ttl;
        int ldns_line = 0;
        // Only ldns needs the tabs replaced (the fast path reads them as blanks, and so does
        // everything else here), so not before ldns is first asked to read: a file of plain
        // lines never is. untab works line by line, so a late pass changes nothing it would not.
        bool untabbed = false;
        // The fast path's copies of the origin and of ldns' previous owner (rfc1035_fast.hpp); the
        // previous owner goes back to ldns only when ldns reads a record after a fast one.
        std::optional<dns::Name> fast_origin = name_of_rdf(cur_origin);
        std::optional<dns::Name> fast_prev;
        bool prev_known = true;   // false while ldns holds a previous owner too long for a Name: ldns reads on
        bool prev_synced = true;  // ldns' prev is fast_prev
        rfc1035_fast::State state;
        state.no_origin = no_origin ? &*no_origin : nullptr;
        // Line numbers counted forward: entries come in file order.
        std::size_t line_pos = 0;
        int line_no = 1;
        std::size_t pos = 0;  // where ldns would read the next entry
        SourceLoc loc{path, 0, 0};
        while (true) {
            std::size_t start = next_significant(text, pos);
            if (start >= text.size()) break;
            progress().at(progress_base + start);
            line_no += static_cast<int>(std::count(text.begin() + static_cast<std::ptrdiff_t>(line_pos),
                                                   text.begin() + static_cast<std::ptrdiff_t>(start), '\n'));
            line_pos = start;
            loc.line = line_no;
            // Directives are ours: ldns takes a relative $ORIGIN as absolute
            // (RFC 1035 §5.1 makes it relative to the current origin), only
            // reports $INCLUDE, and reads "$TTL forever" as 0.
            if (text[start] == '$') {
                auto words = words_of_line(text, start);
                std::string directive = words.empty() ? std::string() : words[0];
                for (char& c : directive) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
                if (directive == "$ORIGIN") {
                    set_origin(words, cur_origin, loc);
                    fast_origin = name_of_rdf(cur_origin);
                } else if (directive == "$TTL") {
                    set_ttl(words, ttl, loc);
                } else if (directive == "$INCLUDE") {
                    include(words, cur_origin, ttl, loc, path, depth);
                } else if (directive == "$GENERATE") {
                    diags.error(loc,
                                "$GENERATE is a BIND extension that is not read here; write the "
                                "records out, or use a number range (\"+61...*\") in the YAML format");
                } else {
                    diags.error(loc, "unknown directive '" + words[0] +
                                         "' (RFC 1035 §5.1 has $ORIGIN and "
                                         "$INCLUDE; $TTL is RFC 2308)");
                }
                std::size_t eol = text.find('\n', start);
                if (eol == std::string::npos) break;
                pos = eol + 1;
                continue;
            }
            if (!options.ldns_only && fast_origin && prev_known) {
                state.origin = &*fast_origin;
                state.prev = fast_prev ? &*fast_prev : nullptr;
                state.default_ttl = ttl;
                std::size_t next = 0;
                if (rfc1035_fast::read_entry(text, pos, state, entry, next)) {
                    if (entry.owner_given) {
                        fast_prev = entry.owner;
                        prev_synced = false;
                    }
                    add_fast(loc);
                    progress().read();
                    pos = next;
                    continue;
                }
            }
            if (!prev_synced) {
                if (prev != nullptr) ldns_rdf_deep_free(prev);
                prev = ldns_dname_new_frm_data(static_cast<std::uint16_t>(fast_prev->wire_size()),
                                               fast_prev->wire().data());
                prev_synced = true;
            }
            if (!untabbed) {
                untab(text);
                untabbed = true;
            }
            std::fseek(fp.get(), static_cast<long>(pos), SEEK_SET);
            ldns_rr* raw = nullptr;
            ldns_status st = ldns_rr_new_frm_fp_l(&raw, fp.get(), &ttl, &cur_origin, &prev, &ldns_line);
            RrPtr rr(raw);
            if (st == LDNS_STATUS_OK) {
                add(rr.get(), loc);
                progress().read();
            } else if (st == LDNS_STATUS_SYNTAX_EMPTY) {
                // Blank line or comment.
            } else {
                diags.error(loc, std::string("cannot parse record: ") + ldns_get_errorstr_by_id(st));
            }
            if (prev != nullptr) {
                fast_prev = name_of_rdf(prev);
                prev_known = fast_prev.has_value();
            }
            // ldns reads a $ORIGIN itself where it finds one that is not at the start of an entry
            // (after a NUL, which it drops), and may leave no origin at all.
            if (!same_name(cur_origin, fast_origin)) fast_origin = name_of_rdf(cur_origin);
            if (std::feof(fp.get())) break;
            long after = std::ftell(fp.get());
            pos = after < 0 ? text.size() : static_cast<std::size_t>(after);
        }
        if (cur_origin != nullptr) ldns_rdf_deep_free(cur_origin);
        if (prev != nullptr) ldns_rdf_deep_free(prev);
        include_stack.pop_back();
    }

    static bool same_name(const ldns_rdf* rdf, const std::optional<dns::Name>& name) {
        if (rdf == nullptr || !name) return rdf == nullptr && !name;
        auto w = name->wire();
        return ldns_rdf_size(rdf) == w.size() && std::equal(w.begin(), w.end(), ldns_rdf_data(rdf));
    }

    static std::optional<dns::Name> name_of_rdf(const ldns_rdf* rdf) {
        if (rdf == nullptr) return std::nullopt;
        auto n = dns::Name::from_uncompressed({ldns_rdf_data(rdf), ldns_rdf_size(rdf)});
        if (!n) return std::nullopt;
        return *n;
    }

    /// A domain name of a directive: absolute, or relative to `cur_origin`.
    /// The caller owns the result; nullptr (with an error) when it is bad.
    ldns_rdf* directive_name(const std::string& text, const ldns_rdf* cur_origin, const SourceLoc& loc,
                             const char* what) {
        ldns_rdf* name = nullptr;
        if (ldns_str2rdf_dname(&name, text.c_str()) != LDNS_STATUS_OK) {
            diags.error(loc, std::string(what) + " '" + text + "' is not a domain name");
            return nullptr;
        }
        if (!ldns_dname_str_absolute(text.c_str())) {
            if (cur_origin == nullptr || ldns_dname_cat(name, cur_origin) != LDNS_STATUS_OK) {
                ldns_rdf_deep_free(name);
                diags.error(loc,
                            std::string(what) + " '" + text + "' is relative and there is no origin to complete it");
                return nullptr;
            }
        }
        return name;
    }

    /// RFC 1035 §5.1: "$ORIGIN <domain-name>", relative names completed
    /// with the current origin.
    void set_origin(const std::vector<std::string>& words, ldns_rdf*& cur_origin, const SourceLoc& loc) {
        if (words.size() != 2) {
            diags.error(loc, "$ORIGIN needs exactly one domain name");
            return;
        }
        ldns_rdf* name = directive_name(words[1], cur_origin, loc, "$ORIGIN");
        if (name == nullptr) return;
        if (cur_origin != nullptr) ldns_rdf_deep_free(cur_origin);
        cur_origin = name;
    }

    /// RFC 2308 §4: "$TTL <TTL>", a number of seconds or BIND's units (1h30m).
    void set_ttl(const std::vector<std::string>& words, std::uint32_t& ttl, const SourceLoc& loc) {
        if (words.size() != 2) {
            diags.error(loc, "$TTL needs exactly one TTL");
            return;
        }
        const char* end = nullptr;
        std::uint32_t v = ldns_str2period(words[1].c_str(), &end);
        if (end == nullptr || *end != '\0' || words[1].empty() ||
            !std::isdigit(static_cast<unsigned char>(words[1][0]))) {
            diags.error(loc, "$TTL '" + words[1] + "' is not a TTL (seconds, or units such as 1h30m)");
            return;
        }
        ttl = v;
    }

    /// RFC 1035 §5.1: "$INCLUDE <file-name> [<domain-name>]". A relative file
    /// name is taken relative to the including file's directory; the
    /// optional domain name is the origin inside the included file only.
    void include(const std::vector<std::string>& words, ldns_rdf* cur_origin, std::uint32_t ttl, const SourceLoc& loc,
                 const std::string& path, int depth) {
        if (words.size() < 2 || words.size() > 3) {
            diags.error(loc, "$INCLUDE needs a file name and at most an origin");
            return;
        }
        if (!options.follow_includes) {
            diags.error(loc, "$INCLUDE is not followed here");
            return;
        }
        std::filesystem::path file(words[1]);
        if (file.is_relative()) file = std::filesystem::path(path).parent_path() / file;
        ldns_rdf* origin = cur_origin;
        ldns_rdf* own = nullptr;
        if (words.size() == 3) {
            own = directive_name(words[2], cur_origin, loc, "$INCLUDE origin");
            if (own == nullptr) return;
            origin = own;
        }
        parse_file(file.string(), origin, ttl, loc, depth + 1);
        if (own != nullptr) ldns_rdf_deep_free(own);
    }

    void add(const ldns_rr* rr, const SourceLoc& loc) {
        if (ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN) {
            diags.error(loc, "only class IN is supported");
            return;
        }
        const ldns_rdf* owner_rdf = ldns_rr_owner(rr);
        auto owner = dns::Name::from_uncompressed({ldns_rdf_data(owner_rdf), ldns_rdf_size(owner_rdf)});
        if (!owner || relative(*owner)) {
            diags.error(loc,
                        "owner name is relative and there is no $ORIGIN; give the zone's origin (enumctl "
                        "import --origin ORIGIN) or add $ORIGIN to the file");
            return;
        }
        auto type = static_cast<dns::RrType>(ldns_rr_get_type(rr));
        if (dns::is_meta_type(type)) {
            diags.error(loc, "type " + dns::to_text(type) + " cannot appear in a zone");
            return;
        }
        Record rec;
        rec.owner = *owner;
        rec.type = type;
        rec.ttl = ldns_rr_ttl(rr);
        for (std::size_t i = 0; i < ldns_rr_rd_count(rr); ++i) {
            const ldns_rdf* f = ldns_rr_rdf(rr, i);
            rec.rdata.insert(rec.rdata.end(), ldns_rdf_data(f), ldns_rdf_data(f) + ldns_rdf_size(f));
        }
        if (rec.rdata.size() > 65535) {
            diags.error(loc, "rdata longer than 65535 octets");
            return;
        }
        // Names inside rdata must be absolute too (a relative NS target with no origin).
        for (std::size_t i = 0; i < ldns_rr_rd_count(rr); ++i) {
            const ldns_rdf* f = ldns_rr_rdf(rr, i);
            if (ldns_rdf_get_type(f) != LDNS_RDF_TYPE_DNAME || ldns_rdf_size(f) == 0) continue;
            auto n = dns::Name::from_uncompressed({ldns_rdf_data(f), ldns_rdf_size(f)});
            if (!n || relative(*n)) {
                diags.error(loc, "a name in the record data is relative and there is no $ORIGIN");
                return;
            }
        }
        rec.loc = loc;
        records.push_back(std::move(rec));
    }

    /// The fast path's record (`entry`): it took only what add() accepts.
    void add_fast(const SourceLoc& loc) {
        Record& rec = records.emplace_back();
        rec.owner = entry.owner;
        rec.type = entry.type;
        rec.ttl = entry.ttl;
        rec.rdata.assign(entry.rdata.begin(), entry.rdata.end());
        rec.loc = loc;
    }
};

/// Hash of a record's identity as RFC 2181 §5 sees it: owner (case-insensitive,
/// RFC 4343), type and rdata; equal hashes are compared in full. The owner is
/// lowercased into a buffer and hashed with the rdata a word at a time
/// (std::hash of a string_view): FNV-1a byte by byte through tolower() was
/// most of merge_duplicates' 0.25 s on 1.38M records.
std::uint64_t record_hash(const Record& r) noexcept {
    std::array<char, dns::kMaxNameLength + 2> key{};
    auto wire = r.owner.wire();
    std::size_t n = 0;
    for (std::uint8_t b : wire) key[n++] = static_cast<char>(b >= 'A' && b <= 'Z' ? b | 0x20 : b);
    auto type = static_cast<std::uint16_t>(r.type);
    key[n++] = static_cast<char>(type >> 8);
    key[n++] = static_cast<char>(type);
    std::hash<std::string_view> h;
    std::uint64_t a = h(std::string_view(key.data(), n));
    std::uint64_t b = h(std::string_view(reinterpret_cast<const char*>(r.rdata.data()), r.rdata.size()));
    return a ^ (b + 0x9e3779b97f4a7c15ULL + (a << 6) + (a >> 2));
}

/// Runs f(begin, end) over [0, n) on this thread, and over the second half on another when n is large.
template <typename F>
void in_two_halves(std::size_t n, F&& f) {
    if (n < (std::size_t{1} << 18)) {
        f(std::size_t{0}, n);
        return;
    }
    std::thread other([&] { f(n / 2, n); });
    f(std::size_t{0}, n / 2);
    other.join();
}

/// RFC 2181 §5.2: an RRset is a set, so a record repeated exactly (owner,
/// type, rdata) is one record. BIND, Knot and NSD merge such repeats when they
/// load a zone file, and so does this reader — with one summarised warning
/// per zone instead of one per repeat (a generated file may repeat thousands).
/// The first copy stays, with the lowest TTL of its copies (RFC 2181 §5.2:
/// the lowest is served anyway). The YAML reader leaves repeats to validation,
/// which refuses them: there a repeat is a typing mistake.
void merge_duplicates(Zone& zone, Diagnostics& diags) {
    auto& recs = zone.records;
    // One sorted 64-bit key per record instead of a hash set: the hash's high bits over the record's index, so a
    // run of equal keys' high bits is a run of (possibly) equal records in file order. The hashes and the sort of
    // each half run on two threads (the parse before and the write after use one), the halves merged after.
    const unsigned index_bits = static_cast<unsigned>(std::bit_width(recs.size()));
    const std::uint64_t index_mask = index_bits >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << index_bits) - 1;
    std::vector<std::uint64_t> order(recs.size());
    in_two_halves(recs.size(), [&](std::size_t from, std::size_t to) {
        for (std::size_t i = from; i < to; ++i) order[i] = (record_hash(recs[i]) & ~index_mask) | i;
        std::sort(order.begin() + static_cast<std::ptrdiff_t>(from), order.begin() + static_cast<std::ptrdiff_t>(to));
    });
    if (recs.size() >= (std::size_t{1} << 18))
        std::inplace_merge(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(recs.size() / 2), order.end());
    auto hash_of = [&](std::size_t k) { return order[k] & ~index_mask; };
    auto index_of = [&](std::size_t k) { return static_cast<std::size_t>(order[k] & index_mask); };
    std::vector<bool> repeat(recs.size(), false);
    std::size_t count = 0;
    std::size_t first_repeat = recs.size();  // the repeat met first in the file
    std::size_t first_of_it = 0;
    for (std::size_t a = 0; a < order.size();) {
        std::size_t b = a + 1;
        while (b < order.size() && hash_of(b) == hash_of(a)) ++b;
        for (std::size_t i = a + 1; i < b; ++i) {
            Record& later = recs[index_of(i)];
            for (std::size_t j = a; j < i; ++j) {
                Record& earlier = recs[index_of(j)];
                if (repeat[index_of(j)] || earlier.type != later.type || earlier.rdata != later.rdata ||
                    !earlier.owner.equals(later.owner))
                    continue;
                repeat[index_of(i)] = true;
                earlier.ttl = std::min(earlier.ttl, later.ttl);
                ++count;
                if (index_of(i) < first_repeat) {
                    first_repeat = index_of(i);
                    first_of_it = index_of(j);
                }
                break;
            }
        }
        a = b;
    }
    if (count == 0) return;
    const Record& r = recs[first_repeat];
    diags.warning(r.loc, "duplicate", "zone " + zone.origin.to_text() + ": " + std::to_string(count) + " duplicate record" +
                             (count == 1 ? "" : "s") + " merged, the first " + r.owner.to_text() + " " +
                             dns::to_text(r.type) + " " + rdata_to_text(r.type, r.rdata) + " (first at " +
                             recs[first_of_it].loc.to_text() +
                             "): an RRset is a set (RFC 2181 §5.2), each record is served once with the lowest TTL "
                             "of its copies");
    std::size_t out = 0;
    for (std::size_t i = 0; i < recs.size(); ++i) {
        if (repeat[i]) continue;
        if (out != i) recs[out] = std::move(recs[i]);
        ++out;
    }
    recs.resize(out);
}

}  // namespace

namespace {

std::vector<Zone> load(const std::string& path, std::string* text, const std::optional<dns::Name>& origin,
                       Diagnostics& diags, const Rfc1035Options& options) {
    std::vector<Record> records;
    Parser parser{diags, records, options, std::nullopt, {}, {}, {}, {}, {}};
    dns::Name start_origin;
    if (origin) {
        start_origin = *origin;
    } else {
        parser.no_origin = *dns::Name::from_text(kNoOrigin);
        start_origin = *parser.no_origin;
    }
    ldns_rdf* origin_rdf =
        ldns_dname_new_frm_data(static_cast<std::uint16_t>(start_origin.wire_size()), start_origin.wire().data());
    std::size_t errors_before = diags.error_count();
    // 3600 s when the file has no $TTL and a record no TTL (ldns' default, BIND's too).
    parser.parse_file(path, origin_rdf, 3600, SourceLoc{}, 0, text);
    parser.prefault.stop();
    parser.heap_ahead.stop();
    if (origin_rdf != nullptr) ldns_rdf_deep_free(origin_rdf);
    if (records.empty() && diags.error_count() > errors_before) return {};

    Zone zone;
    zone.loc = SourceLoc{path, 0, 0};
    zone.source_files = parser.files_read;
    zone.occluded_allowed = true;
    const Record* soa = nullptr;
    for (const auto& r : records) {
        if (r.type != dns::RrType::SOA) continue;
        if (soa != nullptr) {
            if (!r.owner.equals(soa->owner))
                diags.error(r.loc, "second SOA record at " + r.owner.to_text() + " (the zone's SOA is at " +
                                       soa->owner.to_text() + ", " + soa->loc.to_text() + ")");
            else if (r.rdata != soa->rdata)
                diags.error(r.loc,
                            "second SOA record for " + r.owner.to_text() + " (first at " + soa->loc.to_text() + ")");
            continue;
        }
        soa = &r;
    }
    if (origin) {
        zone.origin = *origin;
        if (soa != nullptr && !soa->owner.equals(*origin))
            diags.error(soa->loc, "SOA owner " + soa->owner.to_text() + " is not the origin " + origin->to_text());
    } else if (soa != nullptr) {
        zone.origin = soa->owner;
    } else {
        diags.error({path, 0, 0}, "no SOA record and no origin given: the zone's origin is unknown");
        return {};
    }
    if (soa == nullptr) diags.error({path, 0, 0}, "zone " + zone.origin.to_text() + " has no SOA record");
    // The records move into the zone as one vector (no copy of each); those outside it are errors.
    std::erase_if(records, [&](const Record& r) {
        if (r.owner.is_subdomain_of(zone.origin)) return false;
        diags.error(r.loc, "owner " + r.owner.to_text() + " is outside the zone " + zone.origin.to_text());
        return true;
    });
    zone.records = std::move(records);
    merge_duplicates(zone, diags);
    std::vector<Zone> out;
    out.push_back(std::move(zone));
    return out;
}

}  // namespace

std::vector<Zone> load_rfc1035(const std::string& path, const std::optional<dns::Name>& origin, Diagnostics& diags,
                               const Rfc1035Options& options) {
    return load(path, nullptr, origin, diags, options);
}

std::vector<Zone> load_rfc1035_text(std::string text, const std::string& path, const std::optional<dns::Name>& origin,
                                    Diagnostics& diags, const Rfc1035Options& options) {
    return load(path, &text, origin, diags, options);
}

bool looks_like_rfc1035(const std::string& path) {
    auto ends_with = [&](std::string_view suffix) {
        return path.size() >= suffix.size() && path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    return !(ends_with(".yaml") || ends_with(".yml") || ends_with(".YAML") || ends_with(".YML"));
}

}  // namespace enumd::zones
