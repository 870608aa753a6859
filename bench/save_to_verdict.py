#!/usr/bin/env python3
"""Save-to-verdict benchmark: how long from a learner's save to the verdict printed by `tutor watch`.

Usage (from the repository root, after ./tutor has built tutor.jar):
    python3 bench/save_to_verdict.py [--saves 16] [--maven-runs 3] [--exercise workload-probe]

It makes a fresh workspace with `tutor init`, starts `tutor watch` on it, and then alternately saves the
stub (a wrong answer) and the reference solution (the right one) of the exercise, timing each save from the
moment the file is written to the moment the verdict line appears. Side by side in the same run it grades
the same exercise the way other tutors do, with the workspace's own `mvn -o -q test`, and it times
`java -jar tutor.jar list` from start to exit. Medians, because the machine is shared and noisy.
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
    args = ap.parse_args()

    jar = os.path.join(ROOT, "tutor.jar")
    stub = read_from_jar(jar, "course/stubs/" + args.file)
    solution = read_from_jar(jar, "course/solutions/" + args.file)
    work = tempfile.mkdtemp(prefix="tutor-bench-")
    tutor = [java(), "-jar", jar, "--workspace", work]
    subprocess.run(tutor + ["init"], check=True, stdout=subprocess.DEVNULL)
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
    time.sleep(8)  # let the background warm-up (start-up cache training, spare JVM) finish before timing

    timings, verdicts, grading, phases = [], [], [], {"compile": [], "waiting for a test JVM": [], "tests": []}
    for i in range(args.saves + 1):  # the first save is a warm-up and is not counted
        text = solution if i % 2 == 0 else stub
        text += "\n// save %d\n" % i  # every save changes the content
        start = time.monotonic()
        with open(target, "w") as f:
            f.write(text)
        line = wait_for(lambda l: l.startswith(args.exercise + ": "))
        elapsed = time.monotonic() - start
        if i > 0:
            timings.append(elapsed)
            verdicts.append(line.split(":")[1].split("(")[0].strip())
            grading.append(int(line.rsplit("(", 1)[1].split(" ms")[0]) / 1000.0)
            detail = wait_for(lambda l: l.strip().startswith("(compile "))
            for part in detail.strip().strip("()").split(", "):
                name, ms = part.rsplit(" ", 2)[0], int(part.rsplit(" ", 2)[1])
                phases[name].append(ms / 1000.0)
        time.sleep(args.pause)
    watch.terminate()
    watch.wait(10)

    with open(target, "w") as f:
        f.write(solution)
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
    print("save-to-verdict via tutor watch: " + stats(timings))
    print("  of which compile + test run (the grader's own clock): " + stats(grading))
    for name, values in phases.items():
        print("    %s: %s" % (name, stats(values)))
    print("  verdicts: %s" % ", ".join(sorted(set(verdicts))))
    if maven:
        print("same exercise via the workspace's mvn -o -q test: " + stats(maven))
        print("ratio of medians (maven / tutor): %.0fx" % (statistics.median(maven) / statistics.median(timings)))
    print("java -jar tutor.jar list, start to exit: " + stats(lists))


if __name__ == "__main__":
    main()
