/* nn_tensor.c — float buffers and tensor metadata of the neural-network engine. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "sglens/alloc.h"
#include "nn_internal.h"

float *
nn_alloc_floats(size_t n)
{
	if (n > SIZE_MAX / sizeof(float))
		return NULL;
	return sg_malloc(n * sizeof(float));
}

float *
nn_zalloc_floats(size_t n)
{
	if (n > SIZE_MAX / sizeof(float))
		return NULL;
	return sg_calloc(n * sizeof(float));
}

size_t
nn_count(const int *dims, int ndim, size_t limit)
{
	size_t		n = 1;

	for (int i = 0; i < ndim; i++)
	{
		if (dims[i] <= 0)
			return 0;
		if ((size_t) dims[i] > limit / n)
			return 0;
		n *= (size_t) dims[i];
	}
	return n;
}

void
nn_param_init(sg_nn_param *p, const char *name, int ndim, const int *dims,
			  bool decay)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->ndim = ndim;
	for (int i = 0; i < ndim; i++)
		p->dims[i] = dims[i];
	p->size = nn_count(dims, ndim, SIZE_MAX / sizeof(float));
	p->decay = decay;
}
