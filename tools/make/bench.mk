# Benchmarks (not part of `make test`). Included from the root Makefile:  include tools/make/bench.mk
# BENCH_SCALE (default 1: the sizes of issue 8) scales the heavy MIC cases (b)-(d), BENCH_RUNS (default 3)
# the repetitions of the light ones, BENCH_ONLY=nmi|mic|<case id,...> selects cases.
# Figures: printed table and .local/bench.json. docs/performance.md says how long a run takes.
.PHONY: bench
export BENCH_SCALE ?= 1

bench: install envtest ## NMI token path and MIC convergence benchmarks: table + .local/bench.json (~10 min on 2 shared cores)
	$(NX) run bench:bench --outputStyle=stream
