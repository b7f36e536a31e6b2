#pragma once
/// A light YAML document tree for the zone loader, built from yaml-cpp's
/// parser events. yaml-cpp's own YAML::Load builds a node graph of shared
/// pointers that costs more than the scanning itself on 100,000-line zone
/// files; this tree is a flat arena of plain nodes (about 40 % faster, a
/// fraction of the memory) and keeps what diagnostics need: the mark of
/// every node and whether a scalar was quoted. Syntax errors are thrown as
/// YAML::ParserException (with its mark), as YAML::Load does.
///
/// Built with ENUMD_HAVE_LIBYAML (and linked with libyaml, pkg-config
/// yaml-0.1), the events come from libyaml instead: same tree, same marks,
/// about 4x faster scanning.

#include <deque>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace enumd::zones::ytree {

struct NodeData;

/// 0-based, like YAML::Mark.
struct Mark {
    int line = -1;
    int column = -1;
};

enum class Kind { Undefined, Null, Scalar, Sequence, Map };

/// A handle to a node of a Document (or an undefined node). Cheap to copy;
/// valid while its Document lives.
class Node {
   public:
    Node() = default;
    explicit Node(const NodeData* d) : d_(d) {}
    [[nodiscard]] Kind Type() const noexcept;
    [[nodiscard]] bool IsDefined() const noexcept { return Type() != Kind::Undefined; }
    [[nodiscard]] bool IsNull() const noexcept { return Type() == Kind::Null; }
    [[nodiscard]] bool IsScalar() const noexcept { return Type() == Kind::Scalar; }
    [[nodiscard]] bool IsSequence() const noexcept { return Type() == Kind::Sequence; }
    [[nodiscard]] bool IsMap() const noexcept { return Type() == Kind::Map; }
    explicit operator bool() const noexcept { return IsDefined(); }
    /// The scalar text ("" for other kinds).
    [[nodiscard]] const std::string& Scalar() const noexcept;
    /// True for a quoted ('...' or "...") or block scalar: not a plain one.
    [[nodiscard]] bool Quoted() const noexcept;
    [[nodiscard]] Mark mark() const noexcept;
    /// The value of `key` in a mapping (first occurrence); undefined otherwise.
    [[nodiscard]] Node operator[](std::string_view key) const noexcept;
    /// Items of a sequence (empty for other kinds).
    [[nodiscard]] const std::vector<Node>& seq() const noexcept;
    /// Key/value pairs of a mapping in document order (empty for other kinds).
    [[nodiscard]] const std::vector<std::pair<Node, Node>>& map() const noexcept;

   private:
    const NodeData* d_ = nullptr;
};

struct NodeData {
    Kind kind = Kind::Undefined;
    Mark mark;
    bool quoted = false;
    std::string scalar;
    std::vector<Node> seq;
    std::vector<std::pair<Node, Node>> map;
};

/// A parsed document: the arena and its root (Null for an empty document).
class Document {
   public:
    Document() = default;
    Document(Document&&) = default;
    Document& operator=(Document&&) = default;
    Document(const Document&) = delete;
    Document& operator=(const Document&) = delete;
    [[nodiscard]] Node root() const noexcept { return root_; }
    /// Where the scalars (keys included) that hold a NUL byte start, in
    /// document order: a "\0" escape or a raw 0x00. Zone data is text and a
    /// NUL would cut it short further on, so the loader refuses them.
    [[nodiscard]] const std::vector<Mark>& nul_scalars() const noexcept { return nul_scalars_; }

    /// Parses the first document of `text`; throws YAML::ParserException.
    static Document parse(const std::string& text);

   private:
    friend class Builder;
    void finish();  ///< an empty document has a Null root
    std::deque<NodeData> nodes_;
    Node root_;
    std::vector<Mark> nul_scalars_;
};

}  // namespace enumd::zones::ytree
