#include "yaml_tree.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include <map>
#include <sstream>

namespace enumd::zones::ytree {
namespace {

const std::string kEmpty;
const std::vector<Node> kNoItems;
const std::vector<std::pair<Node, Node>> kNoPairs;

}  // namespace

Kind Node::Type() const noexcept { return d_ == nullptr ? Kind::Undefined : d_->kind; }
const std::string& Node::Scalar() const noexcept { return d_ == nullptr ? kEmpty : d_->scalar; }
bool Node::Quoted() const noexcept { return d_ != nullptr && d_->quoted; }
Mark Node::mark() const noexcept { return d_ == nullptr ? Mark{} : d_->mark; }
const std::vector<Node>& Node::seq() const noexcept { return d_ == nullptr ? kNoItems : d_->seq; }
const std::vector<std::pair<Node, Node>>& Node::map() const noexcept { return d_ == nullptr ? kNoPairs : d_->map; }

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

    bool done = false;

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
};

Document Document::parse(const std::string& text) {
    Document doc;
    std::istringstream in(text);
    YAML::Parser parser(in);
    Builder b(doc);
    parser.HandleNextDocument(b);  // the first document; a zone file has one
    if (!doc.root_.IsDefined()) {
        NodeData& n = doc.nodes_.emplace_back();
        n.kind = Kind::Null;
        doc.root_ = Node(&n);
    }
    return doc;
}

}  // namespace enumd::zones::ytree
