/* status.c — error reporting of the core library. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sglens/status.h"

void
sg_status_clear(sg_status *st)
{
	st->code = SG_OK;
	st->message[0] = '\0';
	st->detail[0] = '\0';
}

void
sg_fail(sg_status *st, sg_code code, const char *fmt,...)
{
	va_list		ap;

	if (st->code != SG_OK)
		return;
	st->code = code;
	va_start(ap, fmt);
	vsnprintf(st->message, sizeof(st->message), fmt, ap);
	va_end(ap);
	st->detail[0] = '\0';
}

void
sg_fail_detail(sg_status *st, const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	vsnprintf(st->detail, sizeof(st->detail), fmt, ap);
	va_end(ap);
}
