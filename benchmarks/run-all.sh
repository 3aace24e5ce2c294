#!/usr/bin/env bash
# Runs every JMH benchmark of iocp4j and turns the results into charts and a table.
#
#   benchmarks/run-all.sh [OUT_DIR] [extra JMH options...]
#
# OUT_DIR defaults to benchmarks/results/<date>-<time>. It gets one JMH JSON and log per class,
# machine.txt, an SVG per chart, index.html (every chart on one page) and results.md (the table).
# Extra options go to every JMH run, e.g. `-f 3` for figures to publish, or
# `-f 1 -wi 1 -i 2 -r 500ms -w 500ms` for a quick look (about 6 minutes on 2 CPUs).
# Set BENCHMARKS="EchoBenchmark FileReadBenchmark" to run only some classes.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

out="${1:-benchmarks/results/$(date +%Y%m%d-%H%M%S)}"
[ $# -gt 0 ] && shift
benchmarks="${BENCHMARKS:-PortBenchmark DispatcherBenchmark FileReadBenchmark EchoBenchmark}"
mkdir -p "$out"

flags=(-B -q -DskipTests)
if [ "${OS:-}" != "Windows_NT" ]; then
    # The DLL only loads on Windows; libiocp4j.so (the portable backend's files on Linux) is built all the same.
    flags+=(-Diocp4j.native.skip=true -Diocp4j.linux.native.skip=false)
fi
echo "== building the library, tools/ and benchmarks/target/benchmarks.jar"
mvn "${flags[@]}" install
mvn -B -q -DskipTests -f tools/pom.xml install
mvn -B -q -DskipTests -f benchmarks/pom.xml package
jar=benchmarks/target/benchmarks.jar

# What the figures were measured on, for the charts and the table.
cpu="$( (grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | sed 's/^ *//') || true)"
[ -z "$cpu" ] && cpu="${PROCESSOR_IDENTIFIER:-unknown CPU}"
prop() { java -XshowSettings:properties -version 2>&1 | awk -F' = ' -v k="    $1" '$1 == k {print $2}'; }
machine="$(nproc 2>/dev/null || echo "${NUMBER_OF_PROCESSORS:-?}") CPUs ($cpu), Java $(prop java.runtime.version), $(prop os.name) $(prop os.version)"
echo "$machine" > "$out/machine.txt"
echo "== machine: $machine"

for b in $benchmarks; do
    echo "== $b"
    java -jar "$jar" "$b" -rf json -rff "$out/$b.json" "$@" | tee "$out/$b.log"
done

echo "== charts"
java -cp "$jar" org.iocp4j.benchmarks.JmhCharts --out "$out" --machine "$machine" "$out"/*.json
