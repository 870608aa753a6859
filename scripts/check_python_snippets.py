#!/usr/bin/env python3
"""Runs every Python snippet a lesson marks as runnable (```python runnable) and fails if one errors.

A snippet's first line may name the server it needs, as `# needs: tutor serve http --port 8471 --delay 200`;
that server is started from tutor.jar on loopback for the snippet and stopped after it. Nothing here
touches the internet. Each snippet gets 30 seconds.
"""
import os, re, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LESSONS = os.path.join(ROOT, "lessons/src/main/resources/course/lessons")
FENCE = re.compile(r"^```python runnable\s*\n(.*?)^```\s*$", re.S | re.M)


def start_server(needs):
    args = needs.split()
    if args[:2] != ["tutor", "serve"]:
        raise SystemExit("unknown '# needs:' line: " + needs)
    java = os.path.join(os.environ.get("JAVA_HOME", ""), "bin", "java") if os.environ.get("JAVA_HOME") else "java"
    log = tempfile.TemporaryFile(mode="w+")
    server = subprocess.Popen([java, "-jar", os.path.join(ROOT, "tutor.jar")] + args[1:] + ["--max-seconds", "60"],
                              stdout=log, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        log.seek(0)
        text = log.read()
        if "listening on" in text:
            return server
        if server.poll() is not None:
            raise SystemExit("server for '%s' did not start: %s" % (needs, text.strip()))
        time.sleep(0.1)
    server.kill()
    raise SystemExit("server for '%s' did not start in 20 s" % needs)


def main():
    ran = failed = 0
    for name in sorted(os.listdir(LESSONS)):
        if not name.endswith(".md"):
            continue
        text = open(os.path.join(LESSONS, name), encoding="utf-8").read()
        for number, match in enumerate(FENCE.finditer(text), 1):
            code = match.group(1)
            first = code.splitlines()[0] if code.strip() else ""
            server = start_server(first.split(":", 1)[1].strip()) if first.startswith("# needs:") else None
            # From a file, as a learner runs it: with "-c", Python 3.14's default start method on Linux
            # (forkserver) cannot find the functions a child process is asked to run.
            script = tempfile.NamedTemporaryFile("w", suffix=".py", prefix="snippet-", delete=False, encoding="utf-8")
            script.write(code)
            script.close()
            try:
                result = subprocess.run([sys.executable, script.name], capture_output=True, text=True, timeout=30,
                                        cwd=tempfile.gettempdir())
                ok = result.returncode == 0
            except subprocess.TimeoutExpired:
                ok, result = False, None
            finally:
                os.unlink(script.name)
                if server:
                    server.kill()
                    server.wait()
            ran += 1
            where = "%s snippet %d" % (name, number)
            if ok:
                print("ok   " + where)
            else:
                failed += 1
                print("FAIL " + where + ": " + ("timed out after 30 s" if result is None else result.stderr.strip()[-800:]))
    print("python snippets: %d ran, %d failed" % (ran, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
