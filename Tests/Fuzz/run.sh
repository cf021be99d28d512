#!/usr/bin/env bash
# Builds the libFuzzer harnesses for ModuleFormats and runs each for a given time.
#
#   Tests/Fuzz/run.sh [seconds per fuzzer, default 300] [fuzzer names...]   (fuzzers: protobuf index registry image)
#
# Each fuzzer is compiled with -sanitize=fuzzer,address from the ModuleFormats sources, the CShims C file and
# its entry point (Tests/Fuzz/<Name>Fuzzer.swift). It starts from Tests/Fuzz/corpus/<name> (seeded with the
# fixture module files when present) and writes any crashing input to Tests/Fuzz/crashers/<name>-*.
# registry: HubCore sources (links libcrypto), seeded with Registry/**/*.md and Registry/index.txt.
# image: Imaging sources plus Sources/Shims/CImageShims/png_reader.c (links libturbojpeg, libpng16), seeded with
# Tests/Fixtures/images. Replays of kept crashers: ModuleFormatsTests/FuzzRegressionTests (protobuf, index),
# HubTests/Reliability/RegistryFuzzReplayTests (registry), ImagingTests/FuzzReplayTests (image).
# Build products go to ${FUZZ_BUILD:-/tmp/build-fuzz}. The summary line of each run is printed at the end.
set -euo pipefail

seconds="${1:-300}"
shift || true
fuzzers=("$@")
[ ${#fuzzers[@]} -eq 0 ] && fuzzers=(protobuf index registry image)

root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${FUZZ_BUILD:-/tmp/build-fuzz}"
mkdir -p "$build/include" "$root/Tests/Fuzz/crashers"

# CShims as a clang module for swiftc, and its object built with the same sanitizers.
cat > "$build/include/module.modulemap" <<MAP
module CShims {
    header "$root/Sources/Shims/CShims/include/cshims.h"
    export *
}
MAP
clang -O1 -g -fsanitize=fuzzer-no-link,address -c "$root/Sources/Shims/CShims/crc32c.c" \
    -I "$root/Sources/Shims/CShims/include" -o "$build/crc32c.o"
mkdir -p "$build/include-image"
cat > "$build/include-image/module.modulemap" <<MAP
module CImageShims {
    header "$root/Sources/Shims/CImageShims/include/cimageshims.h"
    export *
}
MAP

# Registry and image seeds are named known-* (not seed-*): FuzzRegressionTests expects every seed-* file in the
# corpus to parse as a module file.
seed() {  # seed corpus from the committed fixtures: saved_model.pb / tfhub_module.pb or variables.index
    local name="$1" corpus="$2" pattern
    case "$name" in
        protobuf) pattern='saved_model.pb\|tfhub_module.pb' ;;
        index) pattern='variables.index' ;;
        registry)
            find "$root/Registry" -type f \( -name '*.md' -o -name 'index.txt' \) | while read -r file; do
                cp "$file" "$corpus/known-$(echo "${file#$root/}" | tr '/' '_')"
            done
            return ;;
        image)
            find "$root/Tests/Fixtures/images" -type f \( -name '*.jpg' -o -name '*.png' \) -size -64k | while read -r file; do
                cp "$file" "$corpus/known-$(basename "$file")"
            done
            return ;;
    esac
    local unpack="$build/unpack"
    shopt -s nullglob
    for archive in "$root"/Tests/Fixtures/modules/*.tar.gz "$root"/Tests/Fixtures/formats/*.tar.gz; do
        rm -rf "$unpack" && mkdir -p "$unpack"
        tar -xzf "$archive" -C "$unpack"
        find "$unpack" -type f | grep "$pattern" | while read -r file; do
            cp "$file" "$corpus/seed-$(basename "$archive" .tar.gz)-$(basename "$file")"
        done
    done
    shopt -u nullglob
    find "$root/Tests/Fixtures/formats" -type f | grep "$pattern" | while read -r file; do
        cp "$file" "$corpus/seed-formats-$(basename "$(dirname "$file")")-$(basename "$file")"
    done
}

for name in "${fuzzers[@]}"; do
    case "$name" in
        protobuf) entry="ProtobufFuzzer.swift" ;;
        index) entry="IndexFuzzer.swift" ;;
        registry) entry="RegistryFuzzer.swift" ;;
        image) entry="ImageFuzzer.swift" ;;
        *) echo "unknown fuzzer $name" >&2; exit 2 ;;
    esac
    binary="$build/fuzz-$name"
    case "$name" in
        protobuf|index) flags=(-module-name ModuleFormats -I "$build/include" "$root"/Sources/Formats/ModuleFormats/*.swift
                               "$build/crc32c.o") ;;
        registry) flags=(-module-name HubCore -I "$root/Sources/Shims/CCrypto" "$root"/Sources/Hub/HubCore/*.swift -lcrypto) ;;
        image)
            clang -O1 -g -fsanitize=fuzzer-no-link,address -c "$root/Sources/Shims/CImageShims/png_reader.c" \
                -I "$root/Sources/Shims/CImageShims/include" -o "$build/png_reader.o"
            flags=(-module-name Imaging -I "$build/include-image" -I "$root/Sources/Shims/CTurboJPEG" -I "$root/Sources/Shims/CPNG"
                   "$root"/Sources/Imaging/Imaging/*.swift "$build/png_reader.o" -lturbojpeg -lpng16) ;;
    esac
    swiftc -sanitize=fuzzer,address -parse-as-library -O -g -swift-version 6 -package-name hubctl \
        "${flags[@]}" "$root/Tests/Fuzz/$entry" -o "$binary" >"$build/build-$name.log" 2>&1 \
        || { grep -E "error" "$build/build-$name.log"; exit 1; }
    corpus="$root/Tests/Fuzz/corpus/$name"
    mkdir -p "$corpus"
    [ -n "$(ls -A "$corpus")" ] || seed "$name" "$corpus"
    log="$build/fuzz-$name.log"
    echo "== $name: ${seconds}s, corpus $corpus, log $log"
    # -max_len: saved_model.pb seeds are ~100s of KB; keep mutations near them without exploding memory.
    set +e
    "$binary" "$corpus" -max_total_time="$seconds" -max_len=1048576 -rss_limit_mb=4096 -timeout=10 \
        -artifact_prefix="$root/Tests/Fuzz/crashers/$name-" -print_final_stats=1 >"$log" 2>&1
    status=$?
    set -e
    grep -E '^(#[0-9]+.*DONE|stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb|Done [0-9]+ runs)' "$log" || tail -5 "$log"
    [ $status -eq 0 ] || echo "$name: fuzzer exited with status $status (see $log and Tests/Fuzz/crashers/)"
done
