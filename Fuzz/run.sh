#!/usr/bin/env bash
# Fuzz the record loader (decoding one record file of each kind from bytes, and the front-matter
# splitter) with libFuzzer for a bounded time.
#
#   Fuzz/run.sh                      build, then fuzz for FUZZ_SECONDS (default 60)
#   FUZZ_SECONDS=600 Fuzz/run.sh     fuzz longer
#   Fuzz/run.sh -runs=0              any extra arguments go to libFuzzer (here: only replay the seeds)
#   Fuzz/run.sh Fuzz/crashes/crash-… replay one input (libFuzzer runs the files it is given)
#
# Seeds: the bad-input corpus (Tests/Fixtures/bad-input), the valid fixture site's records and a
# few shipped records (Fuzz/seeds). New interesting inputs collect in .build-fuzz/corpus. A crash,
# a trap or an input that takes longer than FUZZ_INPUT_TIMEOUT seconds (default 10: a hang) stops
# the run with a non-zero exit, and the input is written to Fuzz/crashes/ (crash-*, timeout-*,
# oom-*): add it to the corpus as a regression case and fix the loader.
#
# The build uses its own scratch folder (.build-fuzz) with `-sanitize=fuzzer -D FUZZING`, so it
# never disturbs the normal build; it links with lld (gold fails on libFuzzer's objects).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${FUZZ_SECONDS:-60}"
input_timeout="${FUZZ_INPUT_TIMEOUT:-10}"

swift build -c release --product catalog-fuzz --scratch-path .build-fuzz \
  -Xswiftc -sanitize=fuzzer -Xswiftc -D -Xswiftc FUZZING -Xswiftc -use-ld=lld
binary=".build-fuzz/release/catalog-fuzz"

mkdir -p .build-fuzz/corpus Fuzz/crashes
# libFuzzer's own crash report, not Swift's backtracer (which would exit before the input is saved).
export SWIFT_BACKTRACE=enable=no

# The fuzzer's copy of the fixture site, removed however the run ends.
scratch="$(mktemp -d "${TMPDIR:-/tmp}/catalog-fuzz.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
export CATALOG_FUZZ_SCRATCH="$scratch"

args=("$@")
if [ ${#args[@]} -gt 0 ] && [ -f "${args[-1]}" ]; then
  # Replaying files.
  "$binary" "${args[@]}"
  exit
fi

echo "fuzzing the record loader for ${seconds} s (inputs over ${input_timeout} s count as hangs)"
status=0
"$binary" .build-fuzz/corpus Fuzz/seeds Tests/Fixtures/bad-input Tests/Fixtures/valid-site/content \
  -max_total_time="$seconds" -timeout="$input_timeout" -rss_limit_mb=4096 -max_len=65536 \
  -artifact_prefix=Fuzz/crashes/ -print_final_stats=1 "${args[@]}" || status=$?
if [ "$status" -ne 0 ]; then
  echo "catalog-fuzz found a crash or a hang (exit $status); the input is in Fuzz/crashes/:" >&2
  ls -t Fuzz/crashes/ | head -5 >&2
  exit "$status"
fi
