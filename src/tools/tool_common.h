/* tool_common.h — what the command-line tools share: errors, timing, model metadata. */
#ifndef SGLENS_TOOL_COMMON_H
#define SGLENS_TOOL_COMMON_H

#include "sglens/nn.h"
#include "sglens/survey.h"

/* Set the program name used in error messages. */
void		tool_init(const char *program);

/* Print "program: what: message" (the status's, else errno's) and exit 1. */
void		tool_die(const char *what, const sg_status *st) __attribute__((noreturn));

/* qsort comparison of doubles, ascending. */
int			tool_cmp_double(const void *a, const void *b);

/* Wall-clock seconds (monotonic). */
double		tool_now(void);

/* Metadata of a lens finder for a survey's bands: classification, noise normalisation. */
void		tool_finder_info(const char *name, const char *version, const sg_survey *sv,
							 sg_nn_info *info);

#endif
