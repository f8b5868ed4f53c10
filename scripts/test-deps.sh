#!/usr/bin/env bash
# What the suite needs from the machine besides npm's packages, installed by `npm test` when it is missing:
#   - Debian's chromium at /usr/bin/chromium (the browser tests; Playwright cannot download its own here),
#   - Japanese fonts (pages and screenshots in Japanese; fonts-noto-cjk),
#   - a PostgreSQL server with pg_dump / pg_restore of its own major version (the backup test; the embedded
#     server from npm ships no pg_dump).
# Installed with apt-get when we may (root, or sudo without a password) and the archive answers; otherwise one
# paragraph says what is missing and the exact command that installs it. KOUSHIN_INSTALL=never: never install.
set -uo pipefail
cd "$(dirname "$0")/.."
[ -x node_modules/.bin/tsx ] || { echo "scripts/test-deps.sh: run npm ci first (it asks the test harness what it needs)." >&2; exit 1; }

PACKAGES=()
# The backup test's own question (src/test/pg-cluster.ts findPgTools: PG_BINDIR, else /usr/lib/postgresql/<n>/bin),
# so that what is installed here is exactly what the test looks for.
have_pg_tools() { node_modules/.bin/tsx -e "import { findPgTools } from './src/test/pg-cluster.ts'; process.exit(findPgTools() ? 0 : 1);"; }
have_ja_fonts() { command -v fc-list >/dev/null && [ -n "$(fc-list :lang=ja family 2>/dev/null)" ]; }

missing() {
  PACKAGES=()
  [ -x /usr/bin/chromium ] || PACKAGES+=(chromium)
  have_ja_fonts || PACKAGES+=(fonts-noto-cjk)
  have_pg_tools || PACKAGES+=(postgresql)
  [ "${#PACKAGES[@]}" -gt 0 ]
}

explain() {
  local why=$1
  {
    echo
    echo "npm test needs ${PACKAGES[*]} from Debian's archive (the browser tests run Debian's chromium with Japanese"
    echo "fonts; the backup test needs a PostgreSQL server with its own pg_dump) and could not install them: $why."
    echo "Install them once with:  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${PACKAGES[*]}"
    echo "then run npm test again."
    echo
  } >&2
  exit 1
}

missing || exit 0

if [ "${KOUSHIN_INSTALL:-}" = never ]; then explain "KOUSHIN_INSTALL=never"; fi
if ! command -v apt-get >/dev/null; then explain "this machine has no apt-get"; fi
if [ "$(id -u)" = 0 ]; then SUDO=(); elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO=(sudo -n); else explain "installing needs root, and sudo asks for a password"; fi

log=$(mktemp)
echo "Installing what the tests need from Debian's archive (once): ${PACKAGES[*]} …"
export DEBIAN_FRONTEND=noninteractive
if ! { "${SUDO[@]}" apt-get update -qq && "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}"; } >"$log" 2>&1; then
  tail -n 5 "$log" >&2
  explain "apt-get failed (its last lines are above; full log: $log)"
fi
rm -f "$log"
if missing; then explain "apt-get installed them but they are still not where the tests look"; fi
echo "Installed."
