# bench/bench_nn.mk — forward-pass benchmark of the neural-network engine
# (the top Makefile includes every bench/*.mk).
#   make bench_nn    run it with Debian's default OpenBLAS kernel choice and
#                    with OPENBLAS_CORETYPE=SKYLAKEX (read at library load)
BENCH_NN = $(BUILD)/bench/bench_nn
BENCH_NN_LIBS = -lopenblas -lz

$(BENCH_NN): bench/bench_nn.c include/sglens/nn.h $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CORE_CC) $(CORE_CFLAGS) $< $(CORE_LIB) $(CORE_LIBS) $(filter-out $(CORE_LIBS),$(BENCH_NN_LIBS)) -o $@

bench_nn: $(BENCH_NN)
	$(BENCH_NN)
	OPENBLAS_NUM_THREADS=1 OPENBLAS_CORETYPE=SKYLAKEX $(BENCH_NN)

.PHONY: bench_nn
