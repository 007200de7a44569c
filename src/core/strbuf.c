/* strbuf.c — a growable string buffer on the core allocator. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sglens/alloc.h"
#include "strbuf.h"

bool
sg_strbuf_reserve(sg_strbuf *buf, size_t extra)
{
	if (buf->failed)
		return false;
	if (buf->len + extra + 1 > buf->cap)
	{
		size_t		cap = (buf->len + extra + 1) * 2;
		char	   *p = sg_realloc(buf->data, cap);

		if (p == NULL)
		{
			buf->failed = true;
			return false;
		}
		buf->data = p;
		buf->cap = cap;
	}
	return true;
}

void
sg_strbuf_append(sg_strbuf *buf, const char *s)
{
	size_t		n = strlen(s);

	if (!sg_strbuf_reserve(buf, n))
		return;
	memcpy(buf->data + buf->len, s, n + 1);
	buf->len += n;
}

void
sg_strbuf_printf(sg_strbuf *buf, const char *fmt,...)
{
	char		small[256];
	va_list		ap;
	int			n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
	{
		buf->failed = true;
		return;
	}
	if ((size_t) n < sizeof(small))
	{
		sg_strbuf_append(buf, small);
		return;
	}
	if (!sg_strbuf_reserve(buf, (size_t) n))
		return;
	va_start(ap, fmt);
	vsnprintf(buf->data + buf->len, (size_t) n + 1, fmt, ap);
	va_end(ap);
	buf->len += (size_t) n;
}
