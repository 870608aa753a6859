#!/usr/bin/env bash
# End to end, as a new learner meets it, in a real terminal (tmux): init a workspace, start `tutor watch`,
# save a wrong answer and see it fail, save the right one and see it pass, stop with Ctrl-C, and find the
# pass kept in `tutor list` after the restart. Run by ./run-tests after the build made tutor.jar.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$here/scripts/find-jdk.sh"
tutor_find_jdk || exit 2
command -v tmux >/dev/null || { echo "tmux is needed for this check: apt-get install tmux" >&2; exit 2; }

jar="$here/tutor.jar"
work="$(mktemp -d /tmp/tutor-e2e-XXXXXX)"
session="tutor-e2e-$$"
tutor=("$JAVA_HOME/bin/java" -jar "$jar" --workspace "$work")
file="dev/tutor/exercises/waiting/WorkloadProbe.java"
cleanup() { tmux kill-session -t "$session" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

fail() { echo "FAIL: $1"; echo "---- screen:"; tmux capture-pane -p -t "$session" 2>/dev/null || true; exit 1; }

wait_for() { # wait_for TEXT SECONDS: until the screen shows TEXT
  local deadline=$((SECONDS + $2))
  while [ $SECONDS -lt $deadline ]; do
    if tmux capture-pane -p -J -S -200 -t "$session" | grep -qF -- "$1"; then return 0; fi
    sleep 0.2
  done
  fail "the screen never showed '$1' within $2 s"
}

"${tutor[@]}" init >/dev/null
tmux new-session -d -s "$session" -x 120 -y 40
tmux send-keys -t "$session" "$(printf '%q ' "${tutor[@]}") watch" Enter
wait_for "Save an exercise file to grade it" 30

(cd "$work" && "$JAVA_HOME/bin/jar" xf "$jar" "course/solutions/$file" && mv "course/solutions/$file" solution.java)
# A wrong answer: the stub with a changed comment.
printf '\n// my first try\n' >> "$work/src/main/java/$file"
wait_for "workload-probe: failed" 60
# The right answer, saved the way IntelliJ does: a temporary file, then a rename.
cp "$work/solution.java" "$work/src/main/java/${file}___jb_tmp___"
mv "$work/src/main/java/${file}___jb_tmp___" "$work/src/main/java/$file"
wait_for "workload-probe: passed" 60
tmux send-keys -t "$session" C-c
wait_for "Stopped watching." 15

# No test JVM may outlive the tutor.
sleep 1
# Only this checkout's test JVMs: other tutors may be running on the machine.
worker_pattern="-cp $jar dev.tutor.app.grading.worker.TestWorker"
if pgrep -f -- "$worker_pattern" >/dev/null; then
  fail "a test JVM is still running after Ctrl-C: $(pgrep -af -- "$worker_pattern")"
fi

"${tutor[@]}" list | grep -q '\[x\] workload-probe' || { "${tutor[@]}" list; fail "the pass was not kept across the restart"; }
echo "OK: watch in tmux: wrong answer failed, right answer passed, Ctrl-C stopped cleanly, progress kept"
