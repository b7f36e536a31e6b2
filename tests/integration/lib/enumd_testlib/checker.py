"""Checker: every check of a test counted and printed; one run reports all failures."""
from . import process


class Checker:
    """`check(cond, what, detail)` prints "ok   what" or "FAIL what: detail" and
    returns cond; `done()` prints the tally and is the exit status: 1 when a
    check failed or a stopped process left a sanitizer report in its log."""

    def __init__(self):
        self.failures = []
        self.count = 0

    def check(self, cond, what, detail=""):
        self.count += 1
        if cond:
            print("ok   " + what, flush=True)
        else:
            print("FAIL " + what + (f": {detail}" if detail else ""), flush=True)
            self.failures.append(what)
        return cond

    def fail(self, what):
        """A failure that is not a condition (an exception, a server that did not come up)."""
        self.check(False, what)

    def done(self):
        reports = len(process.sanitizer_reports)
        print(f"{self.count - len(self.failures)}/{self.count} checks passed"
              + (f", {reports} sanitizer report(s)" if reports else ""), flush=True)
        return 1 if self.failures or reports else 0
