/* alloc.c — the allocator hook every core allocation goes through. */
#include <stdlib.h>
#include <string.h>

#include "sglens/alloc.h"

static void *
default_alloc(size_t size, void *ctx)
{
	(void) ctx;
	return malloc(size ? size : 1);
}

static void *
default_realloc(void *ptr, size_t size, void *ctx)
{
	(void) ctx;
	return realloc(ptr, size ? size : 1);
}

static void
default_free(void *ptr, void *ctx)
{
	(void) ctx;
	free(ptr);
}

static sg_allocator current = {default_alloc, default_realloc, default_free, NULL};

void
sg_set_allocator(const sg_allocator *allocator)
{
	if (allocator)
		current = *allocator;
	else
	{
		current.alloc = default_alloc;
		current.realloc = default_realloc;
		current.free = default_free;
		current.ctx = NULL;
	}
}

void *
sg_malloc(size_t size)
{
	return current.alloc(size, current.ctx);
}

void *
sg_calloc(size_t size)
{
	void	   *p = current.alloc(size, current.ctx);

	if (p)
		memset(p, 0, size);
	return p;
}

void *
sg_realloc(void *ptr, size_t size)
{
	if (ptr == NULL)
		return current.alloc(size, current.ctx);
	return current.realloc(ptr, size, current.ctx);
}

void
sg_free(void *ptr)
{
	if (ptr)
		current.free(ptr, current.ctx);
}
