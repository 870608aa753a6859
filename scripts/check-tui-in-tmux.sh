#!/usr/bin/env bash
# End to end, the full-screen tutor in a real terminal (tmux, 100x30): start `tutor` on a fresh workspace, open
# lesson 1, run its demo on the lent terminal, open its exercise, save a wrong answer and see it fail on screen,
# save the right one and see it pass, quit with q, and check that the terminal is back at a normal prompt; then
# start it through ./tutor (twice on JDK 25+: the second start uses the cache the first one trained) and kill it
# with -9. Run after the build made tutor.jar.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$here/scripts/find-jdk.sh"
tutor_find_jdk || exit 2
command -v tmux >/dev/null || { echo "tmux is needed for this check: apt-get install tmux" >&2; exit 2; }

jar="$here/tutor.jar"
work="$(mktemp -d /tmp/tutor-tui-e2e-XXXXXX)"
session="tutor-tui-e2e-$$"
tutor=("$JAVA_HOME/bin/java" -jar "$jar" --workspace "$work")
file="dev/tutor/exercises/waiting/WorkloadProbe.java"
cleanup() { tmux kill-session -t "$session" 2>/dev/null || true; rm -rf "$work" "$work-cache"; }
trap cleanup EXIT

fail() { echo "FAIL: $1"; echo "---- screen:"; tmux capture-pane -p -t "$session" 2>/dev/null || true; exit 1; }

wait_for() { # wait_for TEXT SECONDS: until the visible screen shows TEXT
  local deadline=$((SECONDS + $2))
  while [ $SECONDS -lt $deadline ]; do
    if tmux capture-pane -p -t "$session" | grep -qF -- "$1"; then return 0; fi
    sleep 0.2
  done
  fail "the screen never showed '$1' within $2 s"
}

"${tutor[@]}" init >/dev/null
tmux new-session -d -s "$session" -x 100 -y 30
tmux send-keys -t "$session" "$(printf '%q ' "${tutor[@]}")" Enter
wait_for "Concurrency Tutor › Course map" 30
wait_for "workload-probe" 5

tmux send-keys -t "$session" Enter                       # lesson 1 is selected on a first start
wait_for "WAITING IS THE PROBLEM" 10
# d lends the terminal to the lesson's demo: it asks for a prediction, measures, and a key brings the tutor back.
tmux send-keys -t "$session" d
wait_for "Which step will take most of the wall time?" 30
tmux send-keys -t "$session" "the fetch" Enter
wait_for "Which step will take most of the CPU time?" 10
tmux send-keys -t "$session" "format" Enter
wait_for "Which steps will come out I/O-bound?" 10
tmux send-keys -t "$session" "fetch and write" Enter
wait_for "Press any key to go back to the tutor" 30
# The demo's output may have scrolled: look in the pane's history too.
tmux capture-pane -p -S - -t "$session" | grep -qF "You predicted: fetch and write" || fail "the guess was not shown"
tmux capture-pane -p -S - -t "$session" | grep -q "I/O-bound" || fail "the demo's table did not show"
tmux send-keys -t "$session" x
wait_for "WAITING IS THE PROBLEM" 10
tmux send-keys -t "$session" Enter                       # the lesson's first exercise
wait_for "Waiting for your save" 10
wait_for "$work/src/main/java/$file" 5

unzip -p "$jar" "course/solutions/$file" > "$work/solution.java"
printf '\n// my first try\n' >> "$work/src/main/java/$file"   # a wrong answer: the stub, changed
wait_for "failed" 60
cp "$work/solution.java" "$work/src/main/java/$file"
wait_for "Passed" 60
wait_for "n next exercise" 5

# A real resize: too small says the size it needs, and enlarging brings the screen back.
tmux resize-window -t "$session" -x 60 -y 20
wait_for "needs a terminal of at least 80x24" 10
tmux resize-window -t "$session" -x 100 -y 30
wait_for "n next exercise" 10
tmux send-keys -t "$session" q
sleep 1
tmux send-keys -t "$session" 'echo "restored: $((6*7))"' Enter
wait_for "restored: 42" 10
# Back at a normal prompt: the tutor's alternate screen is gone and the cursor shows.
[ "$(tmux display -p -t "$session" '#{alternate_on}')" = 0 ] || fail "the terminal did not leave the tutor's screen"
[ "$(tmux display -p -t "$session" '#{cursor_flag}')" = 1 ] || fail "q left the cursor hidden"

sleep 1
# Only this checkout's test JVMs: other tutors may be running on the machine.
worker_pattern="-cp $jar dev.tutor.app.grading.worker.TestWorker"
if pgrep -f -- "$worker_pattern" >/dev/null; then
  fail "a test JVM is still running after q: $(pgrep -af -- "$worker_pattern")"
fi
"${tutor[@]}" list | grep -q '\[x\] workload-probe' || { "${tutor[@]}" list; fail "the pass was not kept"; }

# Started the README's way, through ./tutor: on JDK 25+ a session that ends with q leaves a start-up cache
# trained in the background, which the next start uses.
caches="$work-cache"
launch="clear; TUTOR_OFFER_INSTALL=off XDG_CACHE_HOME=$(printf '%q' "$caches") $(printf '%q ' "$here/tutor" --workspace "$work")"
tmux send-keys -t "$session" "$launch" Enter
wait_for "Concurrency Tutor › Course map" 120   # ./tutor rebuilds tutor.jar first if a source is newer
tmux send-keys -t "$session" q
if [ "$(tutor_jdk_feature "$JAVA_HOME")" -ge 25 ]; then
  for _ in $(seq 120); do
    compgen -G "$caches/concurrency-tutor/tutor-start-*.aot" >/dev/null && break
    sleep 0.5
  done
  compgen -G "$caches/concurrency-tutor/tutor-start-*.aot" >/dev/null || fail "./tutor trained no start-up cache within 60 s"
  tmux send-keys -t "$session" "$launch" Enter
  wait_for "Concurrency Tutor › Course map" 30
  pgrep -af -- "-XX:AOTCache=$caches/concurrency-tutor/tutor-start-" >/dev/null \
    || fail "the second start through ./tutor did not use its start-up cache: $(pgrep -af -- "-jar $jar")"
  started_with=" (its start-up cache used)"
else
  tmux send-keys -t "$session" "$launch" Enter
  wait_for "Concurrency Tutor › Course map" 30
fi
# Killed with SIGKILL, which no shutdown hook sees: the script restores the terminal (cooked mode, echo on,
# the normal screen) itself.
tutor_pid="$(pgrep -f -- "-jar $jar --workspace $work" | head -1)"
[ -n "$tutor_pid" ] || fail "no tutor JVM found to kill"
kill -9 "$tutor_pid"
sleep 1
tmux send-keys -t "$session" 'stty -a | grep -o -- " -\?icanon\| -\?echo " | tr -d " " | paste -sd, | sed "s/^/modes: /"' Enter
wait_for "modes: icanon,echo" 10
[ "$(tmux display -p -t "$session" '#{alternate_on}')" = 0 ] || fail "the terminal was left on the tutor's alternate screen"
[ "$(tmux display -p -t "$session" '#{cursor_flag}')" = 1 ] || fail "the cursor was left hidden"
echo "OK: tui in tmux: lesson opened, its demo run on the lent terminal, wrong answer failed, right answer passed on screen, q restored the terminal, and through ./tutor${started_with:-} the terminal was restored after kill -9"
