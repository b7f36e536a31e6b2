"""Zone files the tests generate."""
import os


def write_numbers_zone(path, numbers, serial, host):
    """An RFC 1035 zone file of e164.arpa. at `serial` with `numbers` NAPTR
    numbers +61300000000, +61300000001, … each answering sip:<i>@host."""
    with open(path, "w") as f:
        f.write("$ORIGIN e164.arpa.\n$TTL 3600\n")
        f.write(f"@ IN SOA ns1.example.net. hostmaster.example.net. {serial} 3600 600 604800 300\n")
        f.write("@ IN NS ns1.example.net.\n")
        for i in range(numbers):
            owner = ".".join(str(61300000000 + i)[::-1])
            f.write(f'{owner} IN NAPTR 10 100 "u" "E2U+sip" "!^.*$!sip:{i}@{host}!" .\n')


ROUTED_ZONE = "1.6.e164.arpa."
TELSTRA = '"sip:{number}@sip.telstra.example"'


def enum_owner(number, origin="e164.arpa."):
    """The owner name of an E.164 number under an ENUM origin (RFC 6116 §3.4):
    "+61 3 5550 0911" under 1.6.e164.arpa. is 1.1.9.0.0.5.5.5.3.1.6.e164.arpa.
    The number may be written with +, spaces or dashes."""
    digits = "".join(ch for ch in number if ch.isdigit())
    covered = "".join(reversed([label for label in origin.rstrip(".").split(".")[:-2]]))
    if not digits.startswith(covered):
        raise ValueError(f"{number} is not below {origin}")
    return "".join(d + "." for d in reversed(digits)) + "e164.arpa."


def routed_zone_yaml(serial=1, ttl=None, routes=None, numbers=()):
    """The YAML text of 1.6.e164.arpa. (Australia's ENUM tree) that the live-change
    tests start from: the route set `telstra` (sip:{number}@sip.telstra.example)
    and +61 3 5550 0911 routed to it. `routes` (name -> YAML value) adds route sets
    or replaces telstra; `numbers` adds entries (YAML flow maps, one per string)."""
    all_routes = {"telstra": TELSTRA, **(routes or {})}
    lines = [f"origin: {ROUTED_ZONE}"]
    if ttl is not None:
        lines.append(f"ttl: {ttl}")
    lines += ["soa: {mname: ns1.example.net., rname: hostmaster.example.net., serial: %s}" % serial,
              "ns: [ns1.example.net.]", "routes:"]
    lines += [f"  {name}: {value}" for name, value in all_routes.items()]
    lines += ["numbers:", '  - {number: "+61 3 5550 0911", route: telstra}']
    lines += [f"  - {entry}" for entry in numbers]
    return "\n".join(lines) + "\n"


def write_routed_zone(directory, name="zone.yaml", **kwargs):
    """routed_zone_yaml(**kwargs) written to directory/name; returns the path."""
    path = os.path.join(directory, name)
    with open(path, "w") as f:
        f.write(routed_zone_yaml(**kwargs))
    return path


def write_secret(directory, text, name="prov.secret"):
    """A secret file as enumd wants it (mode 0600: it refuses a readable one); returns the path."""
    path = os.path.join(directory, name)
    with open(path, "w") as f:
        f.write(text + "\n")
    os.chmod(path, 0o600)
    return path
