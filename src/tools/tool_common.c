/* tool_common.c — errors, timing and model metadata shared by the tools. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tool_common.h"

static const char *program_name = "sglens";

void
tool_init(const char *program)
{
	program_name = program;
}

void
tool_die(const char *what, const sg_status *st)
{
	fprintf(stderr, "%s: %s: %s\n", program_name, what,
			st ? st->message : errno ? strerror(errno) : "failed");
	exit(1);
}

int
tool_cmp_double(const void *a, const void *b)
{
	double		x = *(const double *) a,
				y = *(const double *) b;

	return (x > y) - (x < y);
}

double
tool_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

void
tool_finder_info(const char *name, const char *version, const sg_survey *sv, sg_nn_info *info)
{
	memset(info, 0, sizeof(*info));
	info->task = SG_NN_TASK_CLASSIFICATION;
	snprintf(info->name, sizeof(info->name), "%s", name);
	snprintf(info->version, sizeof(info->version), "%s", version);
	info->nbands = sv->nbands;
	for (int b = 0; b < sv->nbands; b++)
		snprintf(info->bands[b], sizeof(info->bands[b]), "%s", sv->bands[b].name);
	info->pixel_scale = sv->pixel_scale;
	info->norm = SG_NN_NORM_NOISE;
}
