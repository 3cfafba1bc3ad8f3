#!/usr/bin/env bash
# Instructions per fit verdict, counted by valgrind's callgrind: a measure of the engine that,
# unlike time, does not move with the machine (on the 2-core machines CI uses, the same
# fit-benchmark binary gave 325,000 to 543,000 verdicts a second within an hour).
#
#   Benchmarks/fit-instructions.sh [FIT_BENCHMARK_BINARY] [--keep DIR] [--content DIR]
#
# Counts only inside FitEngine.summary and FitEngine.evaluate, in one run that makes one pass
# over every configuration with each (loading the catalog is not counted). `--keep DIR` leaves
# callgrind's file there (callgrind.out) for `callgrind_annotate --inclusive=yes`. Needs
# valgrind (Debian: apt-get install valgrind). valgrind 3.19 cannot read the DWARF 5 debug information Swift writes, so
# the binary is measured from a copy without it (`strip --strip-debug`); the symbols stay.
set -euo pipefail
binary=
keep=
if [ $# -gt 0 ] && [ "${1#--}" = "$1" ]; then binary=$(realpath "$1"); shift; fi
if [ $# -gt 1 ] && [ "$1" = --keep ]; then keep=$2; shift 2; fi
cd "$(dirname "$0")/.."
command -v valgrind > /dev/null || { echo "fit-instructions: valgrind is not installed (apt-get install valgrind)" >&2; exit 2; }
if [ -z "$binary" ]; then
    log=$(swift build -c release --product fit-benchmark 2>&1) || { echo "$log" >&2; exit 1; }
    binary=.build/release/fit-benchmark
fi
[ -x "$binary" ] || { echo "fit-instructions: no binary at $binary" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
strip --strip-debug -o "$work/fit-benchmark" "$binary"
summary='$s3Fit0A6EngineO7summary_2onAA0A7SummaryVAA0A7RequestV_AA8HardwareVtFZ'
evaluate='$s3Fit0A6EngineO8evaluate_2onAA0A6ResultVAA0A7RequestV_AA8HardwareVtFZ'
# --seconds 0.01: each of the two measurements makes one pass, however slow valgrind runs it.
output=$(valgrind --tool=callgrind --callgrind-out-file="$work/callgrind.out" \
    --toggle-collect="$summary" --toggle-collect="$evaluate" "$work/fit-benchmark" --seconds 0.01 "$@" 2>&1)
# Each function's own count, from the inclusive costs of the one run.
costs=$(callgrind_annotate --inclusive=yes --threshold=100 "$work/callgrind.out")
for name in summary evaluate; do
    symbol=${!name}
    if [ $name = summary ]; then line=$(grep -E '^verdicts' <<< "$output" || true); else line=$(grep -E '^full results' <<< "$output" || true); fi
    calls=$(sed -E 's/.*\): ([0-9]+) in.*/\1/' <<< "$line")
    instructions=$(grep -F -- "$symbol" <<< "$costs" | head -1 | sed -E 's/^ *([0-9,]+) .*/\1/' | tr -d ,)
    if [ -z "$calls" ] || [ -z "$instructions" ]; then
        echo "fit-instructions: no count for FitEngine.$name (was the symbol renamed?)" >&2
        echo "$output" | tail -5 >&2
        exit 1
    fi
    echo "FitEngine.$name: $((instructions / calls)) instructions each ($calls calls)"
done
if [ -n "$keep" ]; then
    mkdir -p "$keep"
    cp "$work/callgrind.out" "$keep/"
    echo "callgrind's file: $keep/callgrind.out"
fi
