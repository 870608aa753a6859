# Sourced by ./tutor: the AOT cache of the tutor's own start-up (JDK 25+, JEP 483 and 514), which takes
# 0.05-0.1 s off the JVM's part of the first full screen on a two-core machine (bench/RESULTS.md).
#
# The cache belongs to one tutor.jar and one JDK: its name carries a checksum of both paths, and it is used
# only while it is newer than the jar and the JDK's release file (a rebuilt jar or an updated JDK makes it
# stale; the JVM itself also refuses a cache that does not match, and then starts as it would without one).
# It is trained after a full-screen session ended normally, by a JVM that draws the first screens in memory
# (tutor --rehearse-start) and exits; that runs in the background, ignores the terminal's hang-up and takes
# about 3 s, so the learner never waits for it. TUTOR_START_CACHE=off turns it all off.
#
# Everything before the tutor's JVM starts is on the learner's wait for the first screen, and on a busy
# machine each child process the shell starts costs 5 to 20 ms: these functions set variables rather than
# print (no command substitution), and start no program.

tutor_start_cache_path() { # sets tutor_cache to the cache's path for the jar $1 and $JAVA_HOME; fails where none
  tutor_cache=""
  [ "${TUTOR_START_CACHE:-on}" != off ] || return 1
  tutor_read_feature "$JAVA_HOME"
  [ "$tutor_feature" -ge 25 ] || return 1
  # A string checksum in bash arithmetic (FNV-1a, 32 bits), so that no cksum process is started.
  local text="$JAVA_HOME|$1" hash=2166136261 i char
  for ((i = 0; i < ${#text}; i++)); do
    printf -v char '%d' "'${text:i:1}"
    hash=$(( ((hash ^ (char & 255)) * 16777619) & 4294967295 ))
  done
  tutor_cache="${XDG_CACHE_HOME:-$HOME/.cache}/concurrency-tutor/tutor-start-$hash.aot"
}

tutor_start_cache_fresh() { # whether the cache at $tutor_cache exists and is newer than the jar $1 and the JDK
  [ -f "$tutor_cache" ] && [ ! "$1" -nt "$tutor_cache" ] && [ ! "$JAVA_HOME/release" -nt "$tutor_cache" ]
}

tutor_start_cache_options() { # sets the array tutor_cache_options to the JVM options that use a fresh cache for $1
  tutor_cache_options=()
  tutor_start_cache_path "$1" && tutor_start_cache_fresh "$1" || return 0
  tutor_cache_options=("-XX:AOTCache=$tutor_cache" -Xlog:aot=off -Xlog:cds=off)
}

tutor_train_start_cache() { # after a session: marks a used cache as in use, or trains one in the background
  local folder lock
  tutor_start_cache_path "$1" || return 0
  if tutor_start_cache_fresh "$1"; then
    touch "$tutor_cache" 2>/dev/null || true # in use: the clean-up below keeps it
    return 0
  fi
  folder=${tutor_cache%/*}
  lock="$tutor_cache.training"
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
    partial="$tutor_cache.partial-$$"
    if "$JAVA_HOME/bin/java" "-XX:AOTCacheOutput=$partial" -Xlog:aot=off -Xlog:cds=off \
        -jar "$1" --rehearse-start && [ -f "$partial" ]; then
      mv -f "$partial" "$tutor_cache"
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
