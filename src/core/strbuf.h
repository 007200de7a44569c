/* strbuf.h — a growable string buffer on the core allocator (core-internal). */
#ifndef SGLENS_STRBUF_H
#define SGLENS_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct sg_strbuf
{
	char	   *data;			/* NUL-terminated once anything was appended */
	size_t		len;
	size_t		cap;
	bool		failed;			/* an allocation failed; later appends do nothing */
} sg_strbuf;

/* Make room for extra more characters (plus the NUL); false when out of memory. */
bool		sg_strbuf_reserve(sg_strbuf *buf, size_t extra);

/* Append a string. */
void		sg_strbuf_append(sg_strbuf *buf, const char *s);

/* Append printf-style formatted text. */
void		sg_strbuf_printf(sg_strbuf *buf, const char *fmt,...)
			__attribute__((format(printf, 2, 3)));

#endif
