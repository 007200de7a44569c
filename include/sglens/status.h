/*
 * status.h — how the core library reports errors.
 *
 * Core functions never abort or longjmp: they return NULL/false and fill an
 * sg_status.  The PostgreSQL binding turns the code into an SQLSTATE.
 */
#ifndef SGLENS_STATUS_H
#define SGLENS_STATUS_H

#include <stdbool.h>

typedef enum sg_code
{
	SG_OK = 0,
	SG_ERR_NOMEM,				/* out of memory */
	SG_ERR_SYNTAX,				/* malformed text representation */
	SG_ERR_BINARY,				/* malformed binary or file data (recv, FITS) */
	SG_ERR_LIMIT,				/* a size over a documented limit */
	SG_ERR_VALUE,				/* an argument value out of range or inconsistent */
	SG_ERR_NOT_FOUND,			/* a named thing (band, HDU) does not exist */
	SG_ERR_IO,					/* reading a file failed */
	SG_ERR_OUT_OF_FOOTPRINT,	/* a sky position lies outside an image */
	SG_ERR_CANCELLED,			/* the caller's progress callback asked to stop */
	SG_ERR_INTERNAL				/* a bug or a library failure we cannot classify */
} sg_code;

#define SG_MESSAGE_LEN 256

typedef struct sg_status
{
	sg_code		code;
	char		message[SG_MESSAGE_LEN];
	char		detail[SG_MESSAGE_LEN];
} sg_status;

/* Reset a status to SG_OK with empty messages. */
void		sg_status_clear(sg_status *st);

/* Record an error code and a printf-style message (first error wins). */
void		sg_fail(sg_status *st, sg_code code, const char *fmt,...)
			__attribute__((format(printf, 3, 4)));

/* Attach a printf-style detail line to the current error. */
void		sg_fail_detail(sg_status *st, const char *fmt,...)
			__attribute__((format(printf, 2, 3)));

/* True when the status holds an error. */
static inline bool
sg_failed(const sg_status *st)
{
	return st->code != SG_OK;
}

#endif
