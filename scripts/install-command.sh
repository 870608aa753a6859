# Sourced by ./tutor: offers, once, to make `tutor` a command, so that the `tutor check ID`, `tutor watch` and
# `tutor demo ...` the lessons and messages name work from any folder. It links ~/.local/bin/tutor (the usual
# folder for a user's own commands, on the PATH of most desktop Linux and macOS shells) to this ./tutor. The
# answer is remembered; TUTOR_OFFER_INSTALL=off never asks.

tutor_offer_install() { # $1: this ./tutor's full path
  local script="$1" bin="$HOME/.local/bin" asked
  asked="${XDG_CACHE_HOME:-$HOME/.cache}/concurrency-tutor/install-asked"
  [ "${TUTOR_OFFER_INSTALL:-on}" != off ] || return 0
  [ -t 0 ] && [ -t 1 ] || return 0 # only a person at a terminal can answer
  [ ! -f "$asked" ] || return 0
  if command -v tutor >/dev/null 2>&1; then
    return 0 # a tutor command exists already: this one, or one the learner chose
  fi
  mkdir -p "$(dirname "$asked")" 2>/dev/null && : > "$asked" 2>/dev/null || true
  printf 'The lessons say "tutor check", "tutor watch"... Make "tutor" a command (a link in %s)? [Y/n] ' "$bin"
  local answer
  read -r answer || answer=n
  case "$answer" in
    ""|y|Y|yes|Yes) ;;
    *) echo "Then type ./tutor where they say tutor (run from $(dirname "$script"))."; return 0 ;;
  esac
  if mkdir -p "$bin" && ln -sf "$script" "$bin/tutor"; then
    case ":$PATH:" in
      *":$bin:"*) echo "Done: 'tutor' now works from any folder." ;;
      *) echo "Linked $bin/tutor. $bin is not on your PATH yet: add it to your shell's start-up file, for example"
         echo "  echo 'export PATH=\"\$HOME/.local/bin:\$PATH\"' >> ~/.bashrc   (then open a new terminal)" ;;
    esac
  else
    echo "Could not link $bin/tutor; type ./tutor where the lessons say tutor."
  fi
}
