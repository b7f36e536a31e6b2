#!/usr/bin/python3
"""docker-compose.yml and the image, checked without a Docker engine.

`docker-compose config` (Debian's docker-compose) must accept the file when a
TSIG secret is given and refuse it without one (no default secret); the
primary's zones are mounted, not baked in; host ports stay off 5353 (mDNS);
the secondary waits for a healthy primary; the image is multi-stage with a
runtime-only final stage and a healthcheck; .dockerignore keeps host build
trees out of the build context. Needs docker-compose and python3-yaml.
"""
import os
import re
import shutil
import subprocess
import sys

import yaml
from enumd_testlib import SOURCE_DIR, Checker

ROOT = str(SOURCE_DIR)
checker = Checker()
check = checker.check


def compose_config(env):
    return subprocess.run(["docker-compose", "-f", os.path.join(ROOT, "docker-compose.yml"), "config"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


def main():
    if shutil.which("docker-compose") is None:
        checker.fail("docker-compose is not installed (tools/build.sh test installs it)")
        return checker.done()
    env = {k: v for k, v in os.environ.items() if k != "ENUMD_TSIG_SECRET"}
    r = compose_config(env)
    check(r.returncode != 0 and "ENUMD_TSIG_SECRET" in r.stderr,
          "without ENUMD_TSIG_SECRET compose refuses and names the variable")

    env["ENUMD_TSIG_SECRET"] = "c2VjcmV0LWZvci10aGUtdGVzdC0zMi1ieXRlcy1sb25nIQ=="
    r = compose_config(env)
    check(r.returncode == 0, "docker-compose config accepts the file with a secret: " + r.stderr.strip()[:200])
    if r.returncode != 0:
        return checker.done()
    cfg = yaml.safe_load(r.stdout)
    with open(os.path.join(ROOT, "docker-compose.yml")) as f:
        raw = yaml.safe_load(f)
    check("version" not in raw, "no obsolete top-level version: key")

    services = cfg["services"]
    for name, svc in services.items():
        cmd = " ".join(svc.get("command", []))
        check(env["ENUMD_TSIG_SECRET"] in cmd, name + " uses the given TSIG secret")
        for p in svc.get("ports", []):
            published = str(p.get("published", "")) if isinstance(p, dict) else str(p).rsplit(":", 2)[-2]
            check(published != "5353", "%s publishes no host port 5353 (mDNS): %s" % (name, p))

    primary = services["enumd-primary"]
    mounts = [v if isinstance(v, str) else "%s:%s" % (v.get("source"), v.get("target"))
              for v in primary.get("volumes", [])]
    check(any(m.endswith("zones/examples:/etc/enumd/zones:ro") or
              ("zones/examples" in m and "/etc/enumd/zones" in m) for m in mounts),
          "the primary's zones are mounted from zones/examples: %s" % mounts)
    for arg in primary["command"]:
        if arg.endswith(".yaml"):
            check(arg.startswith("/etc/enumd/zones/"), "zone %s comes from the mounted directory" % arg)

    dep = services["enumd-secondary"].get("depends_on", {})
    check(isinstance(dep, dict) and dep.get("enumd-primary", {}).get("condition") == "service_healthy",
          "the secondary waits for a healthy primary: %s" % dep)

    with open(os.path.join(ROOT, "tools", "docker", "Dockerfile")) as f:
        dockerfile = f.read()
    stages = re.split(r"(?m)^FROM ", dockerfile)[1:]
    check(len(stages) >= 2, "the Dockerfile is multi-stage")
    final = stages[-1]
    check("COPY --from=" in final and "build-essential" not in final and "tools/build.sh" not in final,
          "the final stage holds only the runtime (binaries copied from the build stage)")
    check(re.search(r"(?m)^HEALTHCHECK ", dockerfile) is not None, "the image has a HEALTHCHECK")
    # The healthcheck's number must exist in the mounted lab zone.
    with open(os.path.join(ROOT, "zones", "examples", "lab.yaml")) as f:
        lab = f.read()
    m = re.search(r'HEALTHCHECK.*?"(\+\d+)"', dockerfile, re.S)
    digits = m.group(1)[1:] if m else "none"
    check(m is not None and any(re.sub(r"\D", "", n) == digits for n in re.findall(r'number:\s*"([^"]+)"', lab)),
          "the healthcheck asks for a number of the lab zone (%s)" % (m.group(1) if m else "none"))

    with open(os.path.join(ROOT, ".dockerignore")) as f:
        ignore = [line.strip() for line in f if line.strip() and not line.startswith("#")]
    check("build" in ignore and ".git" in ignore, ".dockerignore excludes build trees and .git: %s" % ignore)

    return checker.done()


if __name__ == "__main__":
    sys.exit(main())
