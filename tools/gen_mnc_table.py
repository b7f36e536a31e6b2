#!/usr/bin/python3
"""Generate numbering/src/mnc_table.cpp: the known PLMNs (MCC, MNC as written,
operator name) and the MNC length of each MCC, from Debian's
mobile-broadband-provider-info (serviceproviders.xml) plus ITU-T E.212
knowledge for the countries that file lacks or gets wrong (the tables below).

Run by hand; the output is checked in, so building enumd needs neither the
package nor Python:

    apt-get install mobile-broadband-provider-info
    tools/gen_mnc_table.py > numbering/src/mnc_table.cpp

Options: --xml PATH (default /usr/share/mobile-broadband-provider-info/
serviceproviders.xml), --version TEXT (the package version recorded in the
output; default: asked from dpkg-query).
"""

import argparse
import collections
import subprocess
import sys
import xml.etree.ElementTree as ET

DEFAULT_XML = "/usr/share/mobile-broadband-provider-info/serviceproviders.xml"

# ITU-T E.212 (and the national assignments published with it, Annex to ITU
# Operational Bulletin "Mobile Network Codes for the international
# identification plan"): countries whose operators all use 3-digit MNCs.
# North America (TS 23.003 §2.2 notes that NANP countries use 3 digits),
# the Caribbean countries of the NANP, and some of Latin America.
E212_THREE_DIGIT = {
    "302": "Canada", "310": "USA", "311": "USA", "312": "USA", "313": "USA", "314": "USA",
    "315": "USA", "316": "USA", "330": "Puerto Rico", "334": "Mexico", "338": "Jamaica",
    "342": "Barbados", "344": "Antigua and Barbuda", "346": "Cayman Islands",
    "348": "British Virgin Islands", "352": "Grenada", "354": "Montserrat",
    "356": "Saint Kitts and Nevis", "358": "Saint Lucia", "360": "Saint Vincent",
    "365": "Anguilla", "366": "Dominica", "376": "Turks and Caicos", "708": "Honduras",
    "722": "Argentina", "732": "Colombia", "750": "Falkland Islands",
}

# E.212 countries with both lengths under one MCC: an IMSI resolves only when
# it starts with a known PLMN.
E212_MIXED = {
    "364": "Bahamas (364-39x BTC, 364-49 Aliv)",
    "374": "Trinidad and Tobago (374-12 bmobile, 374-130 Digicel)",
    "405": "India (405-05 .. 405-70 and 405-025 .. 405-854)",
    "502": "Malaysia (502-10 .. 502-20 and the 502-15x MVNO block)",
    "714": "Panama (714-01, 714-03, 714-04 and 714-020 Movistar)",
}

# Entries of serviceproviders.xml that contradict E.212: mnc -> corrected mnc,
# or None to drop the entry.
E212_FIXES = {
    ("208", "260"): None,   # France uses 2 digits; Simplus is 208-26 (also listed)
    ("722", "34"): None,    # Argentina uses 3 digits; Personal is 722-340/341 (also listed)
    ("334", "02"): "020",   # Mexico: Telcel 334-020
    ("334", "03"): "030",   # Mexico: Movistar 334-030
    ("708", "02"): "002",   # Honduras: Tigo 708-002
    ("714", "02"): "020",   # Panama: Movistar 714-020
    ("374", "13"): "130",   # Trinidad and Tobago: Digicel 374-130
}

# PLMNs the XML lacks, from the E.212 national lists.
E212_ADD = [
    ("502", "152", "Yes"),
    ("502", "153", "unifi"),
    ("502", "156", "Altel"),
]


def package_version():
    try:
        out = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "mobile-broadband-provider-info"],
                             capture_output=True, text=True, check=True)
        return out.stdout.strip() or "unknown"
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def cstr(s):
    """A C++ string literal; non-ASCII bytes as 3-digit octal escapes (an
    octal escape stops after three digits, a hex one would swallow what follows)."""
    out = ['"']
    for b in s.encode("utf-8"):
        c = chr(b)
        if c in '"\\':
            out.append("\\" + c)
        elif 0x20 <= b < 0x7F:
            out.append(c)
        else:
            out.append("\\%03o" % b)
    out.append('"')
    return "".join(out)


def load(xml_path):
    """{(mcc, mnc): names}: the providers listing a network id (MVNOs list
    their host's), the one marked primary="true" (the wholesale network)
    first, then in file order; at most three names, then "+N"."""
    names = collections.defaultdict(list)
    root = ET.parse(xml_path).getroot()
    for country in root.iter("country"):
        for provider in country.iter("provider"):
            name = (provider.findtext("name") or "").strip()
            primary = provider.get("primary") == "true"
            for nid in provider.iter("network-id"):
                mcc, mnc = nid.get("mcc", ""), nid.get("mnc", "")
                if not (len(mcc) == 3 and mcc.isdigit() and len(mnc) in (2, 3) and mnc.isdigit()):
                    print("skipping malformed network-id %r-%r (%s)" % (mcc, mnc, name), file=sys.stderr)
                    continue
                listed = names[(mcc, mnc)]
                if name and name not in listed:
                    listed.insert(0, name) if primary else listed.append(name)
    plmns = {}
    for key, listed in names.items():
        text = ", ".join(listed[:3])
        if len(listed) > 3:
            text += " +%d" % (len(listed) - 3)
        plmns[key] = text
    return plmns


def apply_e212(plmns):
    fixed = {}
    for (mcc, mnc), name in plmns.items():
        if (mcc, mnc) in E212_FIXES:
            new = E212_FIXES[(mcc, mnc)]
            if new is None:
                continue
            mnc = new
        fixed.setdefault((mcc, mnc), name)
    for mcc, mnc, name in E212_ADD:
        fixed.setdefault((mcc, mnc), name)
    return fixed


def mcc_lengths(plmns):
    """{mcc: (length, source)}; length 0 = mixed."""
    by_mcc = collections.defaultdict(set)
    for mcc, mnc in plmns:
        by_mcc[mcc].add(len(mnc))
    out = {}
    for mcc, lengths in by_mcc.items():
        out[mcc] = (lengths.pop(), "xml") if len(lengths) == 1 else (0, "xml")
    for mcc in E212_THREE_DIGIT:
        if mcc in by_mcc and by_mcc[mcc] != set():
            bad = sorted(mnc for m, mnc in plmns if m == mcc and len(mnc) != 3)
            if bad:
                sys.exit("gen_mnc_table: E.212 says %s uses 3 digits, the data lists %s: add a fix" % (mcc, bad))
        out[mcc] = (3, "e212")
    for mcc in E212_MIXED:
        out[mcc] = (0, "e212")
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--xml", default=DEFAULT_XML)
    ap.add_argument("--version", default=None)
    args = ap.parse_args()
    version = args.version or package_version()
    plmns = apply_e212(load(args.xml))
    lengths = mcc_lengths(plmns)

    w = sys.stdout.write
    w("// Generated by tools/gen_mnc_table.py from mobile-broadband-provider-info %s\n" % version)
    w("// (serviceproviders.xml) plus the ITU-T E.212 tables in that script. Do not edit:\n")
    w("// refresh with `tools/gen_mnc_table.py > numbering/src/mnc_table.cpp` (numbering/README.md).\n")
    w("#include \"mnc_table.hpp\"\n\nnamespace enumd::numbering::detail {\n\nnamespace {\n\n")
    w("// Sorted by MCC, then MNC as written.\n")
    w("constexpr KnownPlmnRow kPlmns[] = {\n")
    for (mcc, mnc) in sorted(plmns):
        w("    {%s, %s, %s},\n" % (cstr(mcc), cstr(mnc), cstr(plmns[(mcc, mnc)])))
    w("};\n\n")
    w("// Sorted by MCC. length 0: the MCC mixes 2- and 3-digit MNCs.\n")
    w("constexpr MccLengthRow kMccs[] = {\n")
    for mcc in sorted(lengths):
        length, source = lengths[mcc]
        w("    {%s, %d, MccSource::%s},\n" % (cstr(mcc), length, "E212" if source == "e212" else "Xml"))
    w("};\n\n}  // namespace\n\n")
    w("std::span<const KnownPlmnRow> known_plmn_rows() noexcept { return kPlmns; }\n")
    w("std::span<const MccLengthRow> mcc_length_rows() noexcept { return kMccs; }\n")
    w("std::string_view mnc_table_version() noexcept { return %s; }\n" % cstr(version))
    w("\n}  // namespace enumd::numbering::detail\n")


if __name__ == "__main__":
    main()
