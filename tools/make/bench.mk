# Benchmarks (not part of `make test`). Included from the root Makefile:  include tools/make/bench.mk
# BENCH_SCALE (default 1) scales the heavy MIC cases, BENCH_RUNS (default 3) the repetitions,
# BENCH_ONLY=nmi|mic|<case id,...> selects cases. Figures: printed table and .local/bench.json.
.PHONY: bench
# 0.5 keeps the whole run under 15 minutes on 2 shared cores ((b) = 1,000 pods / 15 nodes; (c) = 1,500 pods /
# 30 nodes). BENCH_SCALE=1 gives the sizes of issue 8 (about 21 minutes there).
export BENCH_SCALE ?= 0.5

bench: install envtest ## NMI token path and MIC convergence benchmarks: table + .local/bench.json (~15 min, 2 cores)
	$(NX) run bench:bench --outputStyle=stream
