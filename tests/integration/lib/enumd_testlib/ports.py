"""Free loopback ports, and whether a server closed a connection."""
import random
import socket

# Ports are drawn below the kernel's ephemeral range: a port the kernel handed out
# (bind to port 0) can be handed out again to another test's outgoing connection
# between our check and the server's bind, as happened once in CI ("Address already
# in use" for enumd's TCP listener while Knot and dig ran beside it).
_FALLBACK_FLOOR = 10000


def _ephemeral_floor():
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            return int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def _candidates(host, tries):
    floor = _ephemeral_floor()
    if floor - _FALLBACK_FLOOR >= 1000:
        rng = random.Random()
        for _ in range(tries):
            yield rng.randrange(_FALLBACK_FLOOR, floor)
    # No room below the ephemeral range: let the kernel choose.
    for _ in range(tries):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
            u.bind((host, 0))
            yield u.getsockname()[1]


def _bindable(host, port, kind):
    with socket.socket(socket.AF_INET, kind) as s:
        try:
            s.bind((host, port))
            return True
        except OSError:
            return False


def free_port(host="127.0.0.1", *also):
    """A port free for both UDP and TCP on host and on every address in `also`
    (a lab of several servers on one port, e.g. 127.0.0.11..13). Bounded tries."""
    for port in _candidates(host, 50):
        if all(_bindable(h, port, k) for h in (host,) + also for k in (socket.SOCK_DGRAM, socket.SOCK_STREAM)):
            return port
    raise RuntimeError(f"no port free for UDP and TCP on {', '.join((host,) + also)}")


def closed_by_peer(sock, within):
    """True when the server closes (or resets) the connection `sock` within `within` seconds."""
    sock.settimeout(within)
    try:
        return sock.recv(1) == b""
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        return False
