/*
 * alloc.h — the core library's allocator hook.
 *
 * Every core allocation goes through these functions.  By default they are
 * malloc/realloc/free; the PostgreSQL binding installs a palloc-based
 * allocator so an ERROR or a query cancel never leaks.
 */
#ifndef SGLENS_ALLOC_H
#define SGLENS_ALLOC_H

#include <stddef.h>

typedef struct sg_allocator
{
	void	   *(*alloc) (size_t size, void *ctx);	/* NULL on failure */
	void	   *(*realloc) (void *ptr, size_t size, void *ctx);	/* NULL on failure */
	void		(*free) (void *ptr, void *ctx);
	void	   *ctx;
} sg_allocator;

/* Install an allocator (NULL restores malloc/realloc/free). */
void		sg_set_allocator(const sg_allocator *allocator);

/* Allocate size bytes; NULL when out of memory. */
void	   *sg_malloc(size_t size);

/* Allocate size zeroed bytes; NULL when out of memory. */
void	   *sg_calloc(size_t size);

/* Resize an allocation; NULL (old block kept) when out of memory. */
void	   *sg_realloc(void *ptr, size_t size);

/* Release an allocation (NULL is allowed). */
void		sg_free(void *ptr);

#endif
