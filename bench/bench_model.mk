# bench/bench_model.mk — inference speed of a weights file against its
# PyTorch peer (the top Makefile includes every bench/*.mk).
#   make bench_peer     both, on the shipped ground finder
BENCH_MODEL = $(BUILD)/bench/bench_model

$(BENCH_MODEL): bench/bench_model.c bench/fma_peak.c bench/fma_peak.h $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CORE_CC) $(CORE_CFLAGS) bench/bench_model.c bench/fma_peak.c $(CORE_LIB) $(CORE_LIBS) -o $@

bench_peer: $(BENCH_MODEL)
	OPENBLAS_NUM_THREADS=1 OPENBLAS_CORETYPE=SKYLAKEX $(BENCH_MODEL) models/sglens-finder-ground-v2.sgw
	/usr/bin/python3 bench/torch_peer.py --stages 16:1,32:1d,64:1d,128:1d

.PHONY: bench_peer
