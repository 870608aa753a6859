#!/usr/bin/env python3
"""Full-screen tutor timings, measured on a real pseudo-terminal, as a learner meets them.

Usage (from the repository root, after ./tutor has built tutor.jar):
    python3 bench/tui_timings.py [--starts 10] [--saves 12] [--launcher] [--compare OTHER.jar ...]

1. From `java -jar tutor.jar` (or with --launcher, `./tutor`, which adds its start-up cache on JDK 25+) to the
   first full screen (the course map drawn), --starts times; in each round, on the same pseudo-terminal, a
   hello-world JVM (`java -cp DIR Hello`, from start to its line on screen) and every --compare jar, so that
   the ratios are of starts minutes apart at most (this machine's speed drifts by 2x between days).
2. From a save of the exercise file to the verdict on screen, alternating a wrong answer (the stub) and the
   right one (the reference solution), with the exercise panel open; beside it the grader's own time for the
   same verdict, which the panel prints as "(N ms)", so the difference is what noticing the save, the
   debounce and drawing add. In each of --sessions sessions the first save, --read seconds after the exercise
   opened, is reported apart: it is the first verdict a learner sees, and meets the compiler as warm as the
   tutor's background warm-up left it.

This script is the terminal: it gives the tutor a pseudo-terminal of 100x30, answers Lanterna's
cursor-position query as a terminal would, draws what the tutor writes on a grid of cells the moment it is
written, and looks for the pattern after every write.
An earlier version polled `tmux capture-pane` every 5 ms; on two cores the 200 tmux clients a second it
started took enough CPU to double the start-up it was measuring.
"""
import argparse, codecs, fcntl, os, re, select, shutil, signal, statistics, struct, subprocess, tempfile, termios, \
    threading, time, zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JAR = os.path.join(ROOT, "tutor.jar")
FILE = "dev/tutor/exercises/waiting/WorkloadProbe.java"
ROWS, COLUMNS = 30, 100
SEQUENCE = re.compile(r"\x1b\[([0-9;?]*)([A-Za-z@`])|\x1b[()][0-9A-Za-z]|\x1b[78=>]|[\r\n\x07\x08]|[^\x1b\r\n\x07\x08]")


def java():
    home = os.environ.get("JAVA_HOME")
    return os.path.join(home, "bin", "java") if home else "java"


class Screen:
    """Just enough of a terminal for Lanterna's output: cursor moves, clears and characters on a grid."""

    def __init__(self):
        self.cells = [[" "] * COLUMNS for _ in range(ROWS)]
        self.row = self.column = 0
        self.pending = ""
        self.decoder = codecs.getincrementaldecoder("utf-8")("replace")

    def feed(self, data):
        text = self.pending + self.decoder.decode(data)
        escape = text.rfind("\x1b")
        if escape >= 0 and not SEQUENCE.match(text, escape):  # a sequence cut in two: wait for its end
            text, self.pending = text[:escape], text[escape:]
        else:
            self.pending = ""
        for token in SEQUENCE.finditer(text):
            self._apply(token)

    def _apply(self, token):
        if token.group(2):
            numbers = [int(n) if n.isdigit() else 0 for n in token.group(1).lstrip("?").split(";")]
            final = token.group(2)
            if final in "Hf":
                self.row = min(max((numbers[0] or 1) - 1, 0), ROWS - 1)
                self.column = min(max((numbers[1] if len(numbers) > 1 else 1) - 1, 0), COLUMNS - 1) \
                    if len(numbers) > 1 else 0
            elif final == "J" and numbers[0] == 2:
                self.cells = [[" "] * COLUMNS for _ in range(ROWS)]
            elif final == "K":
                self.cells[self.row][self.column:] = [" "] * (COLUMNS - self.column)
            return
        char = token.group(0)
        if char == "\r":
            self.column = 0
        elif char == "\n":
            self.row = min(self.row + 1, ROWS - 1)
        elif char.isprintable() and not char.startswith("\x1b"):
            if self.column < COLUMNS:
                self.cells[self.row][self.column] = char
            self.column = min(self.column + 1, COLUMNS)

    def text(self):
        return "\n".join("".join(row) for row in self.cells)


class Terminal:
    """One tutor on its own pseudo-terminal, and the screen it has drawn there."""

    def __init__(self, command):
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
        self.started = time.monotonic()
        pid = os.fork()
        if pid == 0:  # the child: a new session whose controlling terminal is the pty, as a shell would give it
            os.setsid()
            fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
            for fd in (0, 1, 2):
                os.dup2(slave, fd)
            os.close(master)
            os.close(slave)
            os.execvpe(command[0], command, dict(os.environ, TERM="xterm-256color", TUTOR_OFFER_INSTALL="off"))
        os.close(slave)
        self.pid, self.master = pid, master
        self.screen = Screen()
        self.changed = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        while True:
            try:
                ready, _, _ = select.select([self.master], [], [], 1.0)
                if not ready:
                    continue
                data = os.read(self.master, 65536)
            except OSError:
                data = b""
            if not data:
                with self.changed:
                    self.changed.notify_all()
                return
            if b"\x1b[6n" in data:  # where is the cursor? Lanterna asks after moving it far out, to learn the size
                os.write(self.master, b"\x1b[%d;%dR" % (ROWS, COLUMNS))
            with self.changed:
                self.screen.feed(data)
                self.changed.notify_all()

    def wait_for(self, pattern, timeout=30):
        """Waits until the screen shows the pattern, checking after every write the tutor makes."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                match = re.compile(pattern).search(self.screen.text())
                if match:
                    return match
                left = deadline - time.monotonic()
                if left <= 0:
                    raise SystemExit("timed out waiting for %r; the screen:\n%s" % (pattern, self.screen.text()))
                self.changed.wait(left)

    def keys(self, text):
        os.write(self.master, text.encode())

    def quit(self):
        try:
            self.keys("q")
        except OSError:
            pass  # it has ended already (a hello-world does)
        for _ in range(100):
            if os.waitpid(self.pid, os.WNOHANG)[0]:
                break
            time.sleep(0.05)
        else:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        os.close(self.master)


def stats(values):
    return "min %.3f s, median %.3f s, max %.3f s (n=%d)" % (min(values), statistics.median(values), max(values), len(values))


def hello_world(work):
    """A class that prints one line: the JVM's own start-up, which no tutor can beat."""
    folder = os.path.join(work, "hello")
    os.makedirs(folder)
    with open(os.path.join(folder, "Hello.java"), "w") as f:
        f.write('public class Hello { public static void main(String[] a) { System.out.println("hello, world"); } }\n')
    javac = os.path.join(os.path.dirname(java()), "javac") if os.environ.get("JAVA_HOME") else "javac"
    subprocess.run([javac, "-d", folder, os.path.join(folder, "Hello.java")], check=True)
    return [java(), "-cp", folder, "Hello"]


def time_start(command, pattern):
    terminal = Terminal(command)
    terminal.wait_for(pattern)
    elapsed = time.monotonic() - terminal.started
    return terminal, elapsed


def main():
    global JAR
    ap = argparse.ArgumentParser()
    ap.add_argument("--starts", type=int, default=10)
    ap.add_argument("--saves", type=int, default=12)
    ap.add_argument("--sessions", type=int, default=1,
                    help="full-screen sessions in which to time --saves saves; each one's first save is reported apart")
    ap.add_argument("--read", type=float, default=6,
                    help="seconds between opening the exercise and the first save, as a learner reads and edits")
    ap.add_argument("--launcher", action="store_true",
                    help="start through ./tutor (the README's way: its start-up cache, once trained) instead of java -jar")
    ap.add_argument("--compare", action="append", default=[], metavar="JAR",
                    help="another tutor.jar whose first screen is timed in the same rounds, with java -jar")
    ap.add_argument("--jar", default=JAR, help="the tutor.jar to time (default: this clone's)")
    args = ap.parse_args()
    JAR = os.path.abspath(args.jar)
    work = tempfile.mkdtemp(prefix="tutor-tui-bench-")
    subprocess.run([java(), "-jar", JAR, "--workspace", work, "init"], check=True, stdout=subprocess.DEVNULL)
    with zipfile.ZipFile(JAR) as z:
        stub = z.read("course/stubs/" + FILE).decode()
        solution = z.read("course/solutions/" + FILE).decode()
    command = [java(), "-jar", JAR, "--workspace", work]
    if args.launcher:
        command = [os.path.join(ROOT, "tutor"), "--workspace", work]
    name = "./tutor" if args.launcher else "java -jar tutor.jar"
    starters = [(name, command)] + [("java -jar " + jar, [java(), "-jar", os.path.abspath(jar), "--workspace", work])
                                    for jar in args.compare]
    hello = hello_world(work)
    # A first session of each, not timed: after it the start-up caches of a new tutor.jar (the test JVMs', and
    # with --launcher ./tutor's own) train in the background, and they would load the machine under the timed
    # starts.
    for _, each in starters:
        warm = Terminal(each)
        warm.wait_for(r"Course map")
        time.sleep(2)
        warm.quit()
    time.sleep(15)

    firsts = {label: [] for label, _ in starters}
    hellos, ratios = [], {label: [] for label, _ in starters}
    for _ in range(args.starts):
        terminal, took = time_start(hello, r"hello, world")
        hellos.append(took)
        terminal.quit()
        for label, each in starters:
            tutor, took = time_start(each, r"Course map")
            firsts[label].append(took)
            ratios[label].append(took / hellos[-1])
            time.sleep(1.5)  # let the background start-up (spare test JVM, compiler warm-up) end before the next
            tutor.quit()
            time.sleep(0.5)

    on_screen, grader, first_on_screen, first_grader = [], [], [], []
    for _ in range(args.sessions if args.saves > 0 else 0):
        # Each session in a new workspace, where a learner's first begins: the first exercise not started.
        fresh = tempfile.mkdtemp(prefix="tutor-tui-bench-")
        subprocess.run([java(), "-jar", JAR, "--workspace", fresh, "init"], check=True, stdout=subprocess.DEVNULL)
        target = os.path.join(fresh, "src/main/java", FILE)
        tutor = Terminal([fresh if part == work else part for part in command])
        tutor.wait_for(r"Course map")
        tutor.keys("\r")  # open lesson 1
        tutor.wait_for(r"Lesson 1")
        tutor.keys("e")  # open its exercise
        tutor.wait_for(r"Exercise workload-probe")
        time.sleep(args.read)  # the learner reads and edits; the grader warms up in the background
        for i in range(args.saves + 1):
            text = (solution if i % 2 == 0 else stub) + "\n// save %d\n" % i
            want = r"Passed! \((\d+) ms\)" if i % 2 == 0 else r"failed: .*?\((\d+) ms\)"
            t0 = time.monotonic()
            with open(target, "w") as f:
                f.write(text)
            match = tutor.wait_for(want)
            elapsed = time.monotonic() - t0
            (on_screen if i > 0 else first_on_screen).append(elapsed)
            (grader if i > 0 else first_grader).append(int(match.group(1)) / 1000)
            time.sleep(0.4)
        tutor.quit()
        shutil.rmtree(fresh, ignore_errors=True)
        time.sleep(1)
    shutil.rmtree(work, ignore_errors=True)
    if hellos:
        print("java -cp DIR Hello to its line on screen: " + stats(hellos))
    for label, _ in starters if hellos else []:
        print("%s to the first full screen: %s" % (label, stats(firsts[label])))
        print("  times a hello-world's start, the median of the rounds' ratios: %.1fx" % statistics.median(ratios[label]))
    if first_on_screen:
        print("a session's first save (the solution) to its verdict on screen: " + stats(first_on_screen))
        print("  the grader's own time for those verdicts: " + stats(first_grader))
        print("  on screen minus the grader's time: " + stats([s - g for s, g in zip(first_on_screen, first_grader)]))
    if on_screen:
        extra = [s - g for s, g in zip(on_screen, grader)]
        print("save to verdict on screen: " + stats(on_screen))
        print("  the grader's own time for those verdicts: " + stats(grader))
        print("  on screen minus the grader's time (notice + debounce + draw): " + stats(extra))


if __name__ == "__main__":
    main()
