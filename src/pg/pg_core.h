/*
 * pg_core.h — the bridge between the core library and PostgreSQL: the
 * palloc allocator, turning sg_status into ereport, and sgimage datums.
 */
#ifndef SGLENS_PG_CORE_H
#define SGLENS_PG_CORE_H

#include "postgres.h"
#include "fmgr.h"

#include "sglens/image.h"

/* Install the palloc-based allocator for the core library. */
void		sgpg_install_allocator(void);

/* Raise the error held in st; what names the operation (may be NULL). */
void		sgpg_report(const sg_status *st, const char *what) pg_attribute_noreturn();

/* Raise st's error if it holds one. */
static inline void
sgpg_check(const sg_status *st, const char *what)
{
	if (sg_failed(st))
		sgpg_report(st, what);
}

/* The whole image of a datum (detoasted, 8-byte aligned). */
sg_image   *sgpg_image(Datum d);

/* Only the header and band table of a datum: reads a slice, never the pixels. */
sg_image   *sgpg_image_header(Datum d);

/* Turn a core image (allocated with the palloc allocator) into a datum. */
Datum		sgpg_image_datum(sg_image *img);

/* A bytea holding len bytes of a core (sg_malloc'd) buffer, which is freed. */
bytea	   *sgpg_bytea_from_buffer(void *buf, size_t len);

/* A C string from a text datum. */
char	   *sgpg_text(Datum d);

/* The strings of a text[] (no NULL elements allowed; what names the argument). */
char	  **sgpg_text_array(Datum d, int *n, const char *what);

#define PG_GETARG_SGIMAGE(n) sgpg_image(PG_GETARG_DATUM(n))
#define PG_GETARG_SGIMAGE_HEADER(n) sgpg_image_header(PG_GETARG_DATUM(n))
#define PG_RETURN_SGIMAGE(img) return sgpg_image_datum(img)

#endif
