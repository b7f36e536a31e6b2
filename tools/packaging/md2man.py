#!/usr/bin/python3
"""zones/README.md → enumd-zones(5): the Markdown this repository writes (headings, paragraphs, fenced
code, lists, pipe tables, `code`, **bold**) as man(7) roff. One source: the page is the README, built at
build time (tools/packaging/install.cmake), so it cannot disagree with it.

usage: md2man.py README.md OUT NAME SECTION "one-line description" VERSION"""
import re
import sys


def esc(text):
    text = text.replace("\\", "\\e")
    text = re.sub(r"^([.'])", r"\\&\1", text)
    return text


def inline(text):
    text = esc(text)
    text = re.sub(r"\*\*([^*]+)\*\*", r"\\fB\1\\fR", text)
    text = re.sub(r"`([^`]+)`", r"\\fB\1\\fR", text)
    text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", text)
    return text


def convert(lines, name, section, description, version):
    out = [f'.TH {name.upper()} {section} "" "enumd {version}" "enumd manual"', ".SH NAME",
           f"{name} \\- {esc(description)}", ".SH DESCRIPTION"]
    in_code = False
    para = []

    def flush():
        if para:
            out.append(".PP")
            out.append(inline(" ".join(para)))
            para.clear()

    for raw in lines:
        line = raw.rstrip("\n")
        if line.startswith("```"):
            flush()
            out.append(".fi\n.RE" if in_code else ".RS 2\n.nf")
            in_code = not in_code
            continue
        if in_code:
            out.append(esc(line) if line else "")
            continue
        m = re.match(r"^(#+)\s+(.*)", line)
        if m:
            flush()
            level, title = len(m.group(1)), m.group(2)
            if level == 1:
                continue  # the title is the NAME line
            out.append((".SH " if level == 2 else ".SS ") + '"' + inline(title).replace('"', "") + '"')
            continue
        if line.startswith("|"):
            flush()
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if all(re.fullmatch(r":?-+:?", c) for c in cells):
                continue
            out.append(".IP \\(bu 2\n" + " \\(em ".join(inline(c) for c in cells))
            continue
        m = re.match(r"^(\s*)([-*]|\d+\.)\s+(.*)", line)
        if m:
            flush()
            out.append(".IP \\(bu 2" if not m.group(2)[0].isdigit() else f".IP {m.group(2)} 4")
            para.append(m.group(3))
            out.append(inline(para.pop()))
            continue
        if not line.strip():
            flush()
            continue
        if out and out[-1].startswith(".IP") is False and para == [] and out[-1] and not out[-1].startswith("."):
            # continuation of a list item
            out.append(inline(line.strip()))
            continue
        para.append(line.strip())
    flush()
    out.append(".SH SEE ALSO\nenumd(8), enumctl(8), enumq(1)")
    return "\n".join(out) + "\n"


def main():
    src, dst, name, section, description, version = sys.argv[1:7]
    with open(src, encoding="utf-8") as f:
        page = convert(f.readlines(), name, section, description, version)
    with open(dst, "w", encoding="utf-8") as f:
        f.write(page)


if __name__ == "__main__":
    main()
