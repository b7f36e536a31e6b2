"""Zone files the tests generate."""


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
