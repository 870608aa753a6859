# Sourced by ./tutor: the AOT cache of the tutor's own start-up (JDK 25+, JEP 483 and 514), which takes
# 0.05-0.1 s off the JVM's part of the first full screen on a two-core machine (bench/RESULTS.md).
#
# The cache belongs to one tutor.jar and one JDK, so its name carries a checksum of both. It is trained once,
# after a full-screen session ended normally, by a JVM that draws the first screens in memory
# (tutor --rehearse-start) and exits; that runs in the background, ignores the terminal's hang-up and takes
# about 3 s, so the learner never waits for it. A cache the JVM cannot use (a rebuilt jar, a moved JDK) is
# skipped silently and the tutor starts as it would without one. TUTOR_START_CACHE=off turns it all off.

tutor_start_cache_file() { # prints the cache's path for the jar $1 and $JAVA_HOME, or fails where there is none
  [ "${TUTOR_START_CACHE:-on}" != off ] || return 1
  [ "$(tutor_jdk_feature "$JAVA_HOME")" -ge 25 ] || return 1
  local folder="${XDG_CACHE_HOME:-$HOME/.cache}/concurrency-tutor" key
  key=$( { echo "$JAVA_HOME"; ls -ln "$1" "$JAVA_HOME/release" 2>/dev/null; } | cksum)
  echo "$folder/tutor-start-${key%% *}.aot"
}

tutor_start_cache_options() { # prints the JVM options that use the cache for the jar $1, one a line, if it exists
  local file
  file=$(tutor_start_cache_file "$1") || return 0
  [ -f "$file" ] && [ ! "$1" -nt "$file" ] || return 0 # a jar rebuilt within the minute has the same key
  touch "$file" 2>/dev/null || true # in use: the clean-up below keeps it
  printf '%s\n' "-XX:AOTCache=$file" -Xlog:aot=off -Xlog:cds=off
}

tutor_train_start_cache() { # trains the cache for the jar $1 in the background, unless it exists or is training
  local file folder lock
  file=$(tutor_start_cache_file "$1") || return 0
  [ ! -f "$file" ] || [ "$1" -nt "$file" ] || return 0
  folder=$(dirname "$file")
  lock="$file.training"
  mkdir -p "$folder" 2>/dev/null || return 0
  # Caches of older jars or JDKs that no start used for a week, and what trainings that died left, go.
  find "$folder" -maxdepth 1 -name 'tutor-start-*.aot' -mtime +7 -exec rm -f {} + 2>/dev/null || true
  find "$folder" -maxdepth 1 \( -name 'tutor-start-*.training' -o -name 'tutor-start-*.partial-*' \) -mmin +10 \
    -exec rm -f {} + 2>/dev/null || true
  ( set -o noclobber; : > "$lock" ) 2>/dev/null || return 0 # another tutor is training it
  # Ignored before the fork, not inside the subshell: the terminal may hang up the moment this script exits,
  # before a subshell on a busy machine has run its first command.
  trap '' HUP INT
  (
    partial="$file.partial-$$"
    if "$JAVA_HOME/bin/java" "-XX:AOTCacheOutput=$partial" -Xlog:aot=off -Xlog:cds=off \
        -jar "$1" --rehearse-start && [ -f "$partial" ]; then
      mv -f "$partial" "$file"
    fi
    rm -f "$partial" "$partial.config" "$lock"
  ) </dev/null >/dev/null 2>&1 &
}

tutor_is_full_screen_start() { # whether the arguments start the full screen: no command, no --plain, no help
  while [ "$#" -gt 0 ]; do
    case "$1" in
      --workspace) [ "$#" -ge 2 ] || return 1; shift 2 ;;
      --workspace=*|--verbose) shift ;;
      *) return 1 ;;
    esac
  done
}
