# bench/bench_psf.mk — PSF convolution benchmark; include it from the top
# Makefile:   include bench/bench_psf.mk
#   make bench_psf              time the standard cases
#   make bench_psf_crossover    scan direct vs FFT by kernel size
BENCH_PSF = $(BUILD)/bench/bench_psf

$(BENCH_PSF): bench/bench_psf.c src/core/psf_internal.h $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CORE_CC) $(CORE_CFLAGS) -Isrc/core $< $(CORE_LIB) $(CORE_LIBS) $(filter-out $(CORE_LIBS),-lfftw3) -o $@

bench_psf: $(BENCH_PSF)
	$(BENCH_PSF)

bench_psf_crossover: $(BENCH_PSF)
	$(BENCH_PSF) --crossover

.PHONY: bench_psf bench_psf_crossover
