"""Free loopback ports, and whether a server closed a connection."""
import socket


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
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
            u.bind((host, 0))
            port = u.getsockname()[1]
            if not _bindable(host, port, socket.SOCK_STREAM):
                continue
            if all(_bindable(h, port, k) for h in also for k in (socket.SOCK_DGRAM, socket.SOCK_STREAM)):
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
