# bench/bench_subtract.mk — time of the lens-light subtraction before a
# subtraction-trained modeller (the top Makefile includes every bench/*.mk).
#   make bench_subtract   build and run build/bench/bench_subtract
BENCH_SUBTRACT = $(BUILD)/bench/bench_subtract

$(BENCH_SUBTRACT): bench/bench_subtract.c bench/bench_stats.c bench/bench_stats.h $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CORE_CC) $(CORE_CFLAGS) $< bench/bench_stats.c $(CORE_LIB) $(CORE_LIBS) -o $@

bench_subtract: $(BENCH_SUBTRACT)
	OPENBLAS_NUM_THREADS=1 $(BENCH_SUBTRACT)

.PHONY: bench_subtract
