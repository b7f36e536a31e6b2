"""Child processes with a log file, stopped by PID, and bounded waits."""
import os
import shutil
import signal
import subprocess
import tempfile
import time

# Sanitizer reports found in the logs of stopped processes (ASan/UBSan builds);
# Checker.done() fails the run when there is one.
sanitizer_reports = []
_SANITIZER_MARKERS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:")


class Proc:
    """A child process whose stdout and stderr go to log_path. stop() ends it by
    its PID (SIGTERM, then SIGKILL after 10 s) and records a sanitizer report
    found in its log; with ENUMD_TEST_SHOW_LOG set it prints the whole log."""

    def __init__(self, cmd, log_path, name=None, cwd=None, stdin=None):
        self.name = name or os.path.basename(cmd[0])
        self.cmd = cmd
        self.log_path = log_path
        self.log = open(log_path, "w")
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT, cwd=cwd, stdin=stdin)
        self._stopped = False
        self._final_log = None

    @property
    def pid(self):
        return self.proc.pid

    def logs(self):
        if self._final_log is not None:  # stopped: the log as it was (its directory may be gone)
            return self._final_log
        if not self.log.closed:
            self.log.flush()
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def tail(self, lines=40):
        return "\n".join(self.logs().splitlines()[-lines:])

    def alive(self):
        return self.proc.poll() is None

    def signal(self, sig):
        self.proc.send_signal(sig)

    def stop(self, sig=None):
        if self._stopped:
            return
        self._stopped = True
        if self.proc.poll() is None:
            self.proc.send_signal(sig or signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        text = self.logs()
        self._final_log = text
        if os.environ.get("ENUMD_TEST_SHOW_LOG"):
            print(f"--- {self.name} log ({self.log_path})\n{text}", flush=True)
        for marker in _SANITIZER_MARKERS:
            if marker in text:
                at = text.index(marker)
                excerpt = text[max(0, at - 200):at + 3000]
                sanitizer_reports.append(excerpt)
                print(f"SANITIZER REPORT in {self.log_path}:\n{excerpt}", flush=True)
                break

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def stop_all(*procs):
    """Stop each process that was started (None entries are skipped)."""
    for p in procs:
        if p is not None:
            p.stop()


def stop_and_report(checker, *procs, lines=40):
    """stop_all, then the end of each log when a check failed."""
    stop_all(*procs)
    if checker.failures:
        show_tails(*procs, lines=lines)


def show_tails(*procs, lines=40):
    """Print the end of each started process's log (after a failure)."""
    for p in procs:
        if p is not None:
            print(f"--- {p.name} log (tail)\n{p.tail(lines)}", flush=True)


def _poll(pred, timeout, step):
    """(True, value) once pred() is true, else (False, its last value or exception)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            last = pred()
            if last:
                return True, last
        except Exception as e:  # noqa: BLE001 - retried until the deadline
            last = e
        if time.monotonic() >= deadline:
            return False, last
        time.sleep(step)


def wait_until(pred, timeout, step=0.1):
    """pred() until it is true or timeout seconds passed: its last value, None
    when it ended raising (an exception counts as false and is retried)."""
    _, last = _poll(pred, timeout, step)
    return None if isinstance(last, Exception) else last


def wait_for(pred, timeout, what, step=0.1):
    """pred()'s first true value; AssertionError naming `what` when timeout runs out."""
    ok, last = _poll(pred, timeout, step)
    if not ok:
        raise AssertionError(f"timed out after {timeout} s waiting for {what} (last: {last!r})")
    return last


class Scratch:
    """A test's temporary directory (tmp) and the servers it starts there (start)."""

    def __init__(self, prefix):
        self.tmp = tempfile.mkdtemp(prefix=prefix)
        self.procs = []

    def path(self, name):
        return os.path.join(self.tmp, name)

    def start(self, proc):
        """proc (an Enumd, Knot, Bind or Proc), stopped at the end of the test."""
        self.procs.append(proc)
        return proc


def run_in_scratch(checker, scratch, body, lines=40):
    """body(scratch): an exception (a wait_for that timed out, a refused
    connection) is a failed check; at the end every server is stopped, latest
    first (the tail of each log shown when a check failed), and the directory
    removed. Returns the exit status (checker.done())."""
    try:
        body(scratch)
    except AssertionError as e:
        checker.fail(str(e))
    except Exception as e:  # noqa: BLE001 - any surprise is a failure, reported with the logs
        checker.fail(f"exception: {e!r}")
    finally:
        stop_and_report(checker, *reversed(scratch.procs), lines=lines)
        shutil.rmtree(scratch.tmp, ignore_errors=True)
    return checker.done()


def run_main(checker, main):
    """A test's entry point: main(), an unexpected exception a failed check,
    then exit with checker.done()'s status."""
    try:
        main()
    except Exception as e:  # noqa: BLE001 - any surprise is a failure, reported
        checker.fail(f"unexpected {type(e).__name__}: {e}")
    raise SystemExit(checker.done())
