#!/usr/bin/env python3
"""Full-screen tutor timings, measured in a real terminal (tmux), as a learner meets them.

Usage (from the repository root, after ./tutor has built tutor.jar):
    python3 bench/tui_timings.py [--starts 10] [--saves 12]

1. From `java -jar tutor.jar` to the first full screen (the course map drawn), --starts times.
2. From a save of the exercise file to the verdict on screen, alternating a wrong answer (the stub) and the
   right one (the reference solution), with the exercise panel open; beside it the grader's own time for the
   same verdict, which the panel prints as "(N ms)", so the difference is what noticing the save, the
   debounce and drawing add. tmux is polled every 5 ms, so figures carry up to 5 ms of polling error.
"""
import argparse, os, re, shutil, statistics, subprocess, tempfile, time, zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JAR = os.path.join(ROOT, "tutor.jar")
FILE = "dev/tutor/exercises/waiting/WorkloadProbe.java"


def java():
    home = os.environ.get("JAVA_HOME")
    return os.path.join(home, "bin", "java") if home else "java"


def screen(session):
    return subprocess.run(["tmux", "capture-pane", "-p", "-t", session], capture_output=True, text=True).stdout


def wait_for(session, pattern, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = screen(session)
        match = re.search(pattern, text)
        if match:
            return match
        time.sleep(0.005)
    raise SystemExit("timed out waiting for %r; screen:\n%s" % (pattern, screen(session)))


def start(session, work):
    subprocess.run(["tmux", "kill-session", "-t", session], stderr=subprocess.DEVNULL)
    t0 = time.monotonic()
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "100", "-y", "30",
                    "%s -jar %s --workspace %s" % (java(), JAR, work)], check=True)
    wait_for(session, r"Course map")
    return time.monotonic() - t0


def stats(values):
    return "min %.3f s, median %.3f s, max %.3f s (n=%d)" % (min(values), statistics.median(values), max(values), len(values))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--starts", type=int, default=10)
    ap.add_argument("--saves", type=int, default=12)
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="tutor-tui-bench-")
    subprocess.run([java(), "-jar", JAR, "--workspace", work, "init"], check=True, stdout=subprocess.DEVNULL)
    with zipfile.ZipFile(JAR) as z:
        stub = z.read("course/stubs/" + FILE).decode()
        solution = z.read("course/solutions/" + FILE).decode()
    session = "tutor-tui-bench-%d" % os.getpid()
    # A session that outlives the measured ones keeps the tmux server up between starts.
    keeper = session + "-keeper"
    subprocess.run(["tmux", "new-session", "-d", "-s", keeper], check=True)
    firsts = []
    for _ in range(args.starts):
        firsts.append(start(session, work))
        subprocess.run(["tmux", "send-keys", "-t", session, "q"])
        time.sleep(0.5)

    start(session, work)
    subprocess.run(["tmux", "send-keys", "-t", session, "Enter"])  # open lesson 1
    wait_for(session, r"Lesson 1")
    subprocess.run(["tmux", "send-keys", "-t", session, "e"])      # open its exercise
    wait_for(session, r"Exercise workload-probe")
    time.sleep(6)  # the grader's background warm-up
    target = os.path.join(work, "src/main/java", FILE)
    on_screen, grader = [], []
    for i in range(args.saves + 1):
        text = (solution if i % 2 == 0 else stub) + "\n// save %d\n" % i
        want = r"Passed! \((\d+) ms\)" if i % 2 == 0 else r"failed: .*\((\d+) ms\)"
        t0 = time.monotonic()
        with open(target, "w") as f:
            f.write(text)
        match = wait_for(session, want)
        elapsed = time.monotonic() - t0
        if i > 0:
            on_screen.append(elapsed)
            grader.append(int(match.group(1)) / 1000)
        time.sleep(0.4)
    subprocess.run(["tmux", "send-keys", "-t", session, "q"])
    time.sleep(0.5)
    subprocess.run(["tmux", "kill-session", "-t", session], stderr=subprocess.DEVNULL)
    subprocess.run(["tmux", "kill-session", "-t", keeper], stderr=subprocess.DEVNULL)
    shutil.rmtree(work, ignore_errors=True)
    extra = [s - g for s, g in zip(on_screen, grader)]
    print("java -jar tutor.jar to the first full screen: " + stats(firsts))
    print("save to verdict on screen: " + stats(on_screen))
    print("  the grader's own time for those verdicts: " + stats(grader))
    print("  on screen minus the grader's time (notice + debounce + draw): " + stats(extra))


if __name__ == "__main__":
    main()
