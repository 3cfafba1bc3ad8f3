#!/usr/bin/env bash
# The two commands of the README's quick start, for a fresh Debian 12 machine with Swift 6:
#   ./dev.sh build   install what the build needs (if missing), build combos, write the site to public/
#   ./dev.sh test    install what the tests need (if missing), run the whole test suite
# Extra arguments after `build` go to `combos build` (for example --base-url https://example.com/).
set -euo pipefail
cd "$(dirname "$0")"

# Debian packages: cmark-gfm and its GitHub extensions (Markdown), pkg-config to find them.
PACKAGES=(libcmark-gfm-dev libcmark-gfm-extensions-dev pkg-config)

install_missing() {
  local missing=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "installing Debian packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
}

case "${1:-}" in
  build)
    shift
    install_missing "${PACKAGES[@]}"
    swift build -c release --product combos
    .build/release/combos build "$@"
    ;;
  test)
    shift
    # The builder's tests run its script in headless Chromium.
    install_missing "${PACKAGES[@]}" chromium
    swift test "$@"
    ;;
  *)
    echo "usage: ./dev.sh build [combos build options] | ./dev.sh test [swift test options]" >&2
    exit 2
    ;;
esac
