#!/usr/bin/env python3
"""Save-to-verdict benchmark: how long from a learner's save to the verdict printed by `tutor watch`.

Usage (from the repository root, after ./tutor has built tutor.jar):
    python3 bench/save_to_verdict.py [--saves 16] [--maven-runs 3] [--exercise workload-probe]
    python3 bench/save_to_verdict.py --compare OLD.jar [--rounds 4]   (this tutor.jar against OLD.jar)

It makes a fresh workspace with `tutor init`, starts `tutor watch` on it, and then alternately saves the
stub (a wrong answer) and the reference solution (the right one) of the exercise, timing each save from the
moment the file is written to the moment the verdict line appears. Side by side in the same run it grades
the same exercise the way other tutors do, with the workspace's own `mvn -o -q test`, and it times
`java -jar tutor.jar list` from start to exit. Medians, because the machine is shared and noisy.

With --compare, the saves are split into rounds, each a `tutor watch` session of its own, alternating between
this tutor.jar and the other one (A B B A A B ...), so that both meet the same minutes of the machine; the
ratios of their medians close the report.
"""
import argparse, os, platform, shutil, statistics, subprocess, sys, tempfile, time, threading, queue, zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def java():
    home = os.environ.get("JAVA_HOME")
    return os.path.join(home, "bin", "java") if home else "java"


def read_from_jar(jar, name):
    with zipfile.ZipFile(jar) as z:
        return z.read(name).decode("utf-8")


def stats(values):
    return "min %.3f s, median %.3f s, max %.3f s (n=%d)" % (min(values), statistics.median(values), max(values), len(values))


def new_workspace(jar):
    """A fresh workspace made by `tutor init`, and the tutor command that works on it."""
    work = tempfile.mkdtemp(prefix="tutor-bench-")
    tutor = [java(), "-jar", jar, "--workspace", work]
    subprocess.run(tutor + ["init"], check=True, stdout=subprocess.DEVNULL)
    return work, tutor


def session(jar, args, saves, m):
    """Saves the stub and the solution in turn under one `tutor watch`; appends what it measured to m.
    Returns the workspace (the solution saved in it) and the tutor command for it."""
    stub = read_from_jar(jar, "course/stubs/" + args.file)
    solution = read_from_jar(jar, "course/solutions/" + args.file)
    work, tutor = new_workspace(jar)
    target = os.path.join(work, "src/main/java", args.file)

    watch = subprocess.Popen(tutor + ["--verbose", "watch"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
    lines = queue.Queue()
    threading.Thread(target=lambda: [lines.put(l) for l in watch.stdout], daemon=True).start()

    def wait_for(predicate, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            if predicate(line):
                return line
        raise SystemExit("timed out waiting for the tutor")

    wait_for(lambda l: l.startswith("Save an exercise file"))
    time.sleep(args.settle)  # let the background warm-up (start-up cache training, spare JVM) finish before timing

    for i in range(saves + 1):  # the first save is a warm-up and is not counted
        text = solution if i % 2 == 0 else stub
        text += "\n// save %d\n" % i  # every save changes the content
        start = time.monotonic()
        with open(target, "w") as f:
            f.write(text)
        line = wait_for(lambda l: l.startswith(args.exercise + ": "))
        elapsed = time.monotonic() - start
        if i > 0:
            m["timings"].append(elapsed)
            m["verdicts"].append(line.split(":")[1].split("(")[0].strip())
            m["grading"].append(int(line.rsplit("(", 1)[1].split(" ms")[0]) / 1000.0)
            detail = wait_for(lambda l: l.strip().startswith("(compile "))
            for part in detail.strip().strip("()").split(", "):
                name, ms = part.rsplit(" ", 2)[0], int(part.rsplit(" ", 2)[1])
                m["phases"][name].append(ms / 1000.0)
        time.sleep(args.pause)
    watch.terminate()
    watch.wait(10)
    with open(target, "w") as f:
        f.write(solution)
    return work, tutor


def new_measures():
    return {"timings": [], "verdicts": [], "grading": [],
            "phases": {"compile": [], "waiting for a test JVM": [], "tests": []}}


def report(title, m):
    print(title + stats(m["timings"]))
    print("  of which compile + test run (the grader's own clock): " + stats(m["grading"]))
    for name, values in m["phases"].items():
        print("    %s: %s" % (name, stats(values)))
    print("  verdicts: %s" % ", ".join(sorted(set(m["verdicts"]))))
    for verdict in sorted(set(m["verdicts"])):
        mine = [i for i, v in enumerate(m["verdicts"]) if v == verdict]
        print("    %s saves: save to verdict median %.3f s, tests median %.3f s (n=%d)" % (
            verdict, statistics.median(m["timings"][i] for i in mine),
            statistics.median(m["phases"]["tests"][i] for i in mine), len(mine)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--saves", type=int, default=16)
    ap.add_argument("--maven-runs", type=int, default=3)
    ap.add_argument("--list-runs", type=int, default=10)
    ap.add_argument("--exercise", default="workload-probe")
    ap.add_argument("--file", default="dev/tutor/exercises/waiting/WorkloadProbe.java")
    ap.add_argument("--test", default="WorkloadProbeTest")
    ap.add_argument("--pause", type=float, default=0.3,
                    help="seconds between a verdict and the next save (0.3: saves back to back; a person takes longer)")
    ap.add_argument("--settle", type=float, default=8,
                    help="seconds between the watcher's start and the first save (start-up cache, spare JVM)")
    ap.add_argument("--compare", metavar="OLD.jar", help="another tutor.jar, timed in alternating rounds")
    ap.add_argument("--rounds", type=int, default=4, help="with --compare: watch sessions per jar")
    args = ap.parse_args()

    jar = os.path.join(ROOT, "tutor.jar")
    this, other = new_measures(), new_measures()
    if args.compare:
        per_round = max(2, args.saves // args.rounds)
        pair = [(jar, this), (args.compare, other)]
        for r in range(args.rounds):
            for j, m in (pair if r % 2 == 0 else pair[::-1]):
                work, _ = session(j, args, per_round, m)
                shutil.rmtree(work, ignore_errors=True)
        work, tutor = new_workspace(jar)
        with open(os.path.join(work, "src/main/java", args.file), "w") as f:
            f.write(read_from_jar(jar, "course/solutions/" + args.file))
    else:
        work, tutor = session(jar, args, args.saves, this)

    maven = []
    mvn = shutil.which("mvn")
    for _ in range(args.maven_runs if mvn else 0):
        start = time.monotonic()
        subprocess.run([mvn, "-o", "-q", "test", "-Dtest=" + args.test], cwd=work, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        maven.append(time.monotonic() - start)

    lists = []
    for _ in range(args.list_runs):
        start = time.monotonic()
        subprocess.run(tutor + ["list"], check=True, stdout=subprocess.DEVNULL)
        lists.append(time.monotonic() - start)

    shutil.rmtree(work, ignore_errors=True)
    print("pause between a verdict and the next save: %.1f s" % args.pause)
    print("machine: %s, %d cores, %s" % (platform.platform(), os.cpu_count(),
          subprocess.run([java(), "-version"], capture_output=True, text=True).stderr.splitlines()[0]))
    report("save-to-verdict via tutor watch: ", this)
    if args.compare:
        report("the same with %s: " % args.compare, other)
        med = statistics.median
        print("ratio of medians (other / this): save to verdict %.2f, tests %.2f" % (
            med(other["timings"]) / med(this["timings"]), med(other["phases"]["tests"]) / med(this["phases"]["tests"])))
    if maven:
        print("same exercise via the workspace's mvn -o -q test: " + stats(maven))
        print("ratio of medians (maven / tutor): %.0fx" % (statistics.median(maven) / statistics.median(this["timings"])))
    if lists:
        print("java -jar tutor.jar list, start to exit: " + stats(lists))


if __name__ == "__main__":
    main()
