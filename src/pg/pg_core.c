/* pg_core.c — the bridge between the core library and PostgreSQL. */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "pg_core.h"
#include "sglens/alloc.h"

static void *
palloc_alloc(size_t size, void *ctx)
{
	return MemoryContextAllocExtended(CurrentMemoryContext, size ? size : 1,
									  MCXT_ALLOC_HUGE | MCXT_ALLOC_NO_OOM);
}

static void *
palloc_realloc(void *ptr, size_t size, void *ctx)
{
	return repalloc_huge(ptr, size ? size : 1);
}

static void
palloc_free(void *ptr, void *ctx)
{
	pfree(ptr);
}

void
sgpg_install_allocator(void)
{
	sg_allocator a = {palloc_alloc, palloc_realloc, palloc_free, NULL};

	sg_set_allocator(&a);
}

/* The SQLSTATE for a core error code. */
static int
sqlstate_of(sg_code code)
{
	switch (code)
	{
		case SG_ERR_NOMEM:
			return ERRCODE_OUT_OF_MEMORY;
		case SG_ERR_SYNTAX:
			return ERRCODE_INVALID_TEXT_REPRESENTATION;
		case SG_ERR_BINARY:
			return ERRCODE_INVALID_BINARY_REPRESENTATION;
		case SG_ERR_LIMIT:
			return ERRCODE_PROGRAM_LIMIT_EXCEEDED;
		case SG_ERR_VALUE:
			return ERRCODE_INVALID_PARAMETER_VALUE;
		case SG_ERR_NOT_FOUND:
			return ERRCODE_UNDEFINED_OBJECT;
		case SG_ERR_IO:
			return ERRCODE_IO_ERROR;
		case SG_ERR_OUT_OF_FOOTPRINT:
			return ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE;
		case SG_ERR_CANCELLED:
			return ERRCODE_QUERY_CANCELED;
		case SG_OK:
		case SG_ERR_INTERNAL:
			break;
	}
	return ERRCODE_INTERNAL_ERROR;
}

void
sgpg_report(const sg_status *st, const char *what)
{
	ereport(ERROR,
			(errcode(sqlstate_of(st->code)),
			 what ? errmsg("%s: %s", what, st->message) : errmsg("%s", st->message),
			 st->detail[0] ? errdetail("%s", st->detail) : 0));
	pg_unreachable();
}

/* Copy a varlena to an 8-byte aligned buffer when it is not aligned. */
static struct varlena *
aligned(struct varlena *v)
{
	if (((uintptr_t) v & 7) != 0)
	{
		struct varlena *copy = palloc(VARSIZE(v));

		memcpy(copy, v, VARSIZE(v));
		return copy;
	}
	return v;
}

sg_image *
sgpg_image(Datum d)
{
	struct varlena *v = aligned(PG_DETOAST_DATUM(d));
	sg_image   *img = (sg_image *) v;
	sg_status	st;

	sg_status_clear(&st);
	if (!sg_image_check_header(img, VARSIZE(v), true, &st))
		sgpg_report(&st, "corrupt sgimage value");
	return img;
}

sg_image *
sgpg_image_header(Datum d)
{
	struct varlena *v;
	sg_status	st;

	v = aligned(PG_DETOAST_DATUM_SLICE(d, 0, (int32) sg_image_header_size(SG_MAX_BANDS)));
	sg_status_clear(&st);
	if (!sg_image_check_header((sg_image *) v, VARSIZE(v), false, &st))
		sgpg_report(&st, "corrupt sgimage value");
	return (sg_image *) v;
}

Datum
sgpg_image_datum(sg_image *img)
{
	SET_VARSIZE(img, sg_image_size(img));
	return PointerGetDatum(img);
}

bytea *
sgpg_bytea_from_buffer(void *buf, size_t len)
{
	bytea	   *out = palloc(VARHDRSZ + len);

	SET_VARSIZE(out, VARHDRSZ + len);
	memcpy(VARDATA(out), buf, len);
	sg_free(buf);
	return out;
}

char *
sgpg_text(Datum d)
{
	return text_to_cstring(DatumGetTextPP(d));
}

char	  **
sgpg_text_array(Datum d, int *n, const char *what)
{
	ArrayType  *arr = DatumGetArrayTypeP(d);
	Datum	   *elems;
	bool	   *nulls;
	char	  **out;

	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("%s must be a one-dimensional text array", what)));
	deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, n);
	out = palloc(sizeof(char *) * (*n + 1));
	for (int i = 0; i < *n; i++)
	{
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s must not contain NULL", what)));
		out[i] = TextDatumGetCString(elems[i]);
	}
	out[*n] = NULL;
	return out;
}
