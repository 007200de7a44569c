/*
 * unit.h — a minimal unit-test harness for the core library.
 * Each test_*.c is its own program: it calls CHECK* and ends with
 * UNIT_REPORT(), which prints "name: N passed, N failed" and sets the exit code.
 */
#ifndef SGLENS_UNIT_H
#define SGLENS_UNIT_H

#include <math.h>
#include <stdio.h>
#include <string.h>

static int	unit_passed;
static int	unit_failed;

#define CHECK(cond) \
	do { \
		if (cond) \
			unit_passed++; \
		else \
		{ \
			unit_failed++; \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
		} \
	} while (0)

#define CHECK_CLOSE(a, b, tol) \
	do { \
		double unit_a_ = (a), unit_b_ = (b); \
		if (fabs(unit_a_ - unit_b_) <= (tol)) \
			unit_passed++; \
		else \
		{ \
			unit_failed++; \
			fprintf(stderr, "%s:%d: CHECK_CLOSE failed: %s = %.17g, %s = %.17g, tol %g\n", \
					__FILE__, __LINE__, #a, unit_a_, #b, unit_b_, (double) (tol)); \
		} \
	} while (0)

/* An sg_status must hold the given code, and its message the given text. */
#define CHECK_FAILS_WITH(st, want_code, text) \
	do { \
		CHECK((st).code == (want_code)); \
		if (strstr((st).message, (text)) == NULL) \
		{ \
			unit_failed++; \
			fprintf(stderr, "%s:%d: message \"%s\" lacks \"%s\"\n", __FILE__, __LINE__, \
					(st).message, (text)); \
		} \
		else \
			unit_passed++; \
	} while (0)

#define UNIT_REPORT(name) \
	(printf("%s: %d passed, %d failed\n", (name), unit_passed, unit_failed), \
	 unit_failed ? 1 : 0)

#endif
