#include "yaml_tree.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include <map>
#include <sstream>

#ifdef ENUMD_HAVE_LIBYAML
#include <yaml.h>
#endif

namespace enumd::zones::ytree {
namespace {

const std::string kEmpty;
const std::vector<Node> kNoItems;
const std::vector<std::pair<Node, Node>> kNoPairs;

}  // namespace

Kind Node::Type() const noexcept {
    return d_ == nullptr ? Kind::Undefined : d_->kind;
}
const std::string& Node::Scalar() const noexcept {
    return d_ == nullptr ? kEmpty : d_->scalar;
}
bool Node::Quoted() const noexcept {
    return d_ != nullptr && d_->quoted;
}
Mark Node::mark() const noexcept {
    return d_ == nullptr ? Mark{} : d_->mark;
}
const std::vector<Node>& Node::seq() const noexcept {
    return d_ == nullptr ? kNoItems : d_->seq;
}
const std::vector<std::pair<Node, Node>>& Node::map() const noexcept {
    return d_ == nullptr ? kNoPairs : d_->map;
}

Node Node::operator[](std::string_view key) const noexcept {
    if (d_ == nullptr) return Node{};
    for (const auto& [k, v] : d_->map) {
        if (k.IsScalar() && k.Scalar() == key) return v;
    }
    return Node{};
}

/// Turns parser events into nodes: a stack of open collections, each
/// mapping alternating between waiting for a key and for its value.
class Builder : public YAML::EventHandler {
   public:
    explicit Builder(Document& doc) : doc_(doc) {}

    void OnDocumentStart(const YAML::Mark& /*mark*/) override {}
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
        NodeData& n = make(Kind::Null, mark, anchor);
        add(n);
    }
    void OnAlias(const YAML::Mark& /*mark*/, YAML::anchor_t anchor) override {
        auto it = anchors_.find(anchor);
        add(it == anchors_.end() ? null_node() : *it->second);
    }
    void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  const std::string& value) override {
        NodeData& n = make(Kind::Scalar, mark, anchor);
        n.scalar = value;
        n.quoted = tag == "!";  // yaml-cpp tags non-plain scalars "!", plain ones "?"
        if (value.find('\0') != std::string::npos) doc_.nul_scalars_.push_back(n.mark);
        add(n);
    }
    void OnSequenceStart(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t anchor,
                         YAML::EmitterStyle::value /*style*/) override {
        NodeData& n = make(Kind::Sequence, mark, anchor);
        add(n);
        open_.push_back({&n, false, Node{}});
    }
    void OnSequenceEnd() override { open_.pop_back(); }
    void OnMapStart(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t anchor,
                    YAML::EmitterStyle::value /*style*/) override {
        NodeData& n = make(Kind::Map, mark, anchor);
        add(n);
        open_.push_back({&n, false, Node{}});
    }
    void OnMapEnd() override { open_.pop_back(); }

    /// Anchor numbers for libyaml's anchor names.
    YAML::anchor_t anchor_id(const std::string& name) {
        auto [it, fresh] = anchor_names_.emplace(name, anchor_names_.size() + 1);
        (void)fresh;
        return it->second;
    }

   private:
    struct Open {
        NodeData* node;
        bool have_key;
        Node key;
    };

    NodeData& make(Kind kind, const YAML::Mark& mark, YAML::anchor_t anchor) {
        NodeData& n = doc_.nodes_.emplace_back();
        n.kind = kind;
        n.mark = Mark{mark.line, mark.column};
        if (anchor != YAML::NullAnchor) anchors_[anchor] = &n;
        return n;
    }
    NodeData& null_node() {
        NodeData& n = doc_.nodes_.emplace_back();
        n.kind = Kind::Null;
        return n;
    }
    void add(const NodeData& n) {
        Node h(&n);
        if (open_.empty()) {
            if (!doc_.root_.IsDefined()) doc_.root_ = h;
            return;
        }
        Open& top = open_.back();
        if (top.node->kind == Kind::Sequence) {
            top.node->seq.push_back(h);
        } else if (!top.have_key) {
            top.key = h;
            top.have_key = true;
        } else {
            top.node->map.emplace_back(top.key, h);
            top.have_key = false;
        }
    }

    Document& doc_;
    std::vector<Open> open_;
    std::map<YAML::anchor_t, const NodeData*> anchors_;
    std::map<std::string, YAML::anchor_t> anchor_names_;
};

void Document::finish() {
    if (!root_.IsDefined()) {
        NodeData& n = nodes_.emplace_back();
        n.kind = Kind::Null;
        root_ = Node(&n);
    }
}

#ifndef ENUMD_HAVE_LIBYAML

Document Document::parse(const std::string& text) {
    Document doc;
    std::istringstream in(text);
    YAML::Parser parser(in);
    Builder b(doc);
    parser.HandleNextDocument(b);  // the first document; a zone file has one
    doc.finish();
    return doc;
}

#else

// libyaml's event parser, about 4x faster than yaml-cpp's scanner on large
// zone files, drives the same Builder; errors keep yaml-cpp's exception type
// so callers see one interface.
Document Document::parse(const std::string& text) {
    Document doc;
    Builder b(doc);
    yaml_parser_t parser;
    if (yaml_parser_initialize(&parser) == 0) throw YAML::ParserException(YAML::Mark(), "cannot initialise libyaml");
    yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text.data()), text.size());
    auto mark_of = [](const yaml_mark_t& m) {
        YAML::Mark mk;
        mk.pos = static_cast<int>(m.index);
        mk.line = static_cast<int>(m.line);
        mk.column = static_cast<int>(m.column);
        return mk;
    };
    auto anchor_of = [&](const yaml_char_t* a) -> YAML::anchor_t {
        if (a == nullptr) return YAML::NullAnchor;
        return b.anchor_id(reinterpret_cast<const char*>(a));
    };
    bool done = false;
    int documents = 0;
    while (!done) {
        yaml_event_t ev;
        if (yaml_parser_parse(&parser, &ev) == 0) {
            std::string msg = parser.problem != nullptr ? parser.problem : "syntax error";
            if (parser.context != nullptr) msg = std::string(parser.context) + ": " + msg;
            YAML::Mark mk = mark_of(parser.problem_mark);
            yaml_parser_delete(&parser);
            throw YAML::ParserException(mk, msg);
        }
        YAML::Mark mk = mark_of(ev.start_mark);
        switch (ev.type) {
            case YAML_DOCUMENT_START_EVENT:
                ++documents;
                break;
            case YAML_DOCUMENT_END_EVENT:
                done = true;
                break;  // the first document; a zone file has one
            case YAML_STREAM_END_EVENT:
                done = true;
                break;
            case YAML_ALIAS_EVENT:
                b.OnAlias(mk, anchor_of(ev.data.alias.anchor));
                break;
            case YAML_SCALAR_EVENT: {
                std::string value(reinterpret_cast<const char*>(ev.data.scalar.value), ev.data.scalar.length);
                bool plain = ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
                YAML::anchor_t anchor = anchor_of(ev.data.scalar.anchor);
                // yaml-cpp's rule: a plain "", "~", "null", "Null" or "NULL" is null.
                if (plain && (value.empty() || value == "~" || value == "null" || value == "Null" || value == "NULL")) {
                    b.OnNull(mk, anchor);
                } else {
                    b.OnScalar(mk, plain ? "?" : "!", anchor, value);
                }
                break;
            }
            case YAML_SEQUENCE_START_EVENT:
                b.OnSequenceStart(mk, "", anchor_of(ev.data.sequence_start.anchor), YAML::EmitterStyle::Default);
                break;
            case YAML_SEQUENCE_END_EVENT:
                b.OnSequenceEnd();
                break;
            case YAML_MAPPING_START_EVENT:
                b.OnMapStart(mk, "", anchor_of(ev.data.mapping_start.anchor), YAML::EmitterStyle::Default);
                break;
            case YAML_MAPPING_END_EVENT:
                b.OnMapEnd();
                break;
            default:
                break;
        }
        yaml_event_delete(&ev);
    }
    (void)documents;
    yaml_parser_delete(&parser);
    doc.finish();
    return doc;
}

#endif

}  // namespace enumd::zones::ytree
