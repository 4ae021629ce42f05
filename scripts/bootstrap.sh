#!/usr/bin/env bash
# Install everything tipoff needs into .venv/ (idempotent).
#   scripts/bootstrap.sh          runtime packages only
#   scripts/bootstrap.sh --dev    runtime + development and test packages
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
as_root() { [ "$(id -u)" = 0 ]; }

apt_install() {
  # Install Debian packages when we can (root on Debian); otherwise say what is missing.
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if as_root && command -v apt-get >/dev/null; then
    say "Installing Debian packages: ${missing[*]}"
    if [ ! -f /var/lib/apt/periodic/tipoff-updated ] || [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -print -quit 2>/dev/null)" ]; then
      apt-get update -qq && mkdir -p /var/lib/apt/periodic && touch /var/lib/apt/periodic/tipoff-updated
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "note: not installing ${missing[*]} (needs root on Debian)" >&2
    return 1
  fi
}

PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "tipoff needs Python 3.11 or newer as '$PYTHON' (set PYTHON=...)." >&2
  exit 1
fi

# uv installs the locked packages quickly; keep our own copy under .tools/.
UV=$(command -v uv || true)
if [ -z "$UV" ]; then
  if [ ! -x .tools/uv/bin/uv ]; then
    say "Installing uv into .tools/uv"
    "$PYTHON" -m venv .tools/uv 2>/dev/null || { apt_install python3-venv && "$PYTHON" -m venv .tools/uv; }
    .tools/uv/bin/pip install -q --disable-pip-version-check "uv>=0.5"
  fi
  UV=.tools/uv/bin/uv
fi

export UV_PYTHON_DOWNLOADS=never UV_PROJECT_ENVIRONMENT="$PWD/.venv"
if [ "${1:-}" = "--dev" ]; then
  say "Installing tipoff with development packages into .venv"
  "$UV" sync --frozen --python "$PYTHON" --quiet
else
  say "Installing tipoff into .venv"
  "$UV" sync --frozen --python "$PYTHON" --no-dev --quiet
fi

# ffmpeg strips metadata from audio and video evidence; without it the site
# refuses those files with a clear message.
command -v ffmpeg >/dev/null || apt_install ffmpeg || true

.venv/bin/python -m tipoff.lib.translations
