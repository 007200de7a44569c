# bench/bench_fit.mk — lens-fit time against stamp size (the top Makefile
# includes every bench/*.mk).
#   make bench_fit        build and run build/bench/bench_fit
BENCH_FIT = $(BUILD)/bench/bench_fit

$(BENCH_FIT): bench/bench_fit.c bench/bench_stats.c bench/bench_stats.h test/unit/lens_fixture.h $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CORE_CC) $(CORE_CFLAGS) -Itest/unit $< bench/bench_stats.c $(CORE_LIB) $(CORE_LIBS) -o $@

bench_fit: $(BENCH_FIT)
	OPENBLAS_NUM_THREADS=1 $(BENCH_FIT)

.PHONY: bench_fit
