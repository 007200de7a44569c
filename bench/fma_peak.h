/*
 * fma_peak.h — the arithmetic peak of one core, measured: single-precision
 * fused multiply-adds on independent registers, nothing else, in the widest
 * vectors the processor has (AVX-512, else AVX2).  No program can do more
 * floating-point work per second on that core, so it bounds every ceiling.
 */
#ifndef SGLENS_BENCH_FMA_PEAK_H
#define SGLENS_BENCH_FMA_PEAK_H

/* Best FLOP/s (2 per lane per FMA) of short bursts over about `seconds`; 0 without FMA. */
double		fma_peak(double seconds, const char **vector_name);

#endif
