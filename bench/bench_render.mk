# bench/bench_render.mk — ray-shooting render benchmark; the top Makefile
# includes every bench/*.mk (or add:  include bench/bench_render.mk).
#   make bench_render        build and run build/bench/bench_render
BENCH_RENDER = $(BUILD)/bench/bench_render

$(BENCH_RENDER): bench/bench_render.c src/core/simd_level.h $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CORE_CC) $(CORE_CFLAGS) -Isrc/core $< $(CORE_LIB) $(CORE_LIBS) -o $@

bench_render: $(BENCH_RENDER)
	$(BENCH_RENDER)

.PHONY: bench_render
