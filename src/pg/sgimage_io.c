/* sgimage_io.c — type input/output: text (in/out) and binary (recv/send). */
#include "postgres.h"

#include "fmgr.h"
#include "libpq/pqformat.h"

#include "pg_core.h"
#include "sglens/alloc.h"
#include "sglens/image_text.h"
#include "sglens/image_wire.h"

PG_FUNCTION_INFO_V1(sgimage_in);
PG_FUNCTION_INFO_V1(sgimage_out);
PG_FUNCTION_INFO_V1(sgimage_recv);
PG_FUNCTION_INFO_V1(sgimage_send);

/* Text input: parse the SGIMAGE/1 form. */
Datum
sgimage_in(PG_FUNCTION_ARGS)
{
	char	   *text = PG_GETARG_CSTRING(0);
	sg_status	st;
	sg_image   *img;

	sg_status_clear(&st);
	img = sg_image_from_text(text, &st);
	if (img == NULL)
		sgpg_report(&st, "invalid input for type sgimage");
	PG_RETURN_SGIMAGE(img);
}

/* Text output: the SGIMAGE/1 form, exact. */
Datum
sgimage_out(PG_FUNCTION_ARGS)
{
	sg_image   *img = PG_GETARG_SGIMAGE(0);
	sg_status	st;
	char	   *text;

	sg_status_clear(&st);
	text = sg_image_to_text(img, &st);
	sgpg_check(&st, "cannot format sgimage");
	PG_RETURN_CSTRING(text);
}

/* Binary input: the portable wire form. */
Datum
sgimage_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	sg_status	st;
	sg_image   *img;

	sg_status_clear(&st);
	img = sg_image_from_wire((const unsigned char *) buf->data + buf->cursor,
							 buf->len - buf->cursor, &st);
	if (img == NULL)
		sgpg_report(&st, "invalid binary input for type sgimage");
	buf->cursor = buf->len;
	PG_RETURN_SGIMAGE(img);
}

/* Binary output: the portable wire form. */
Datum
sgimage_send(PG_FUNCTION_ARGS)
{
	sg_image   *img = PG_GETARG_SGIMAGE(0);
	sg_status	st;
	size_t		len;
	void	   *wire;

	sg_status_clear(&st);
	wire = sg_image_to_wire(img, &len, &st);
	sgpg_check(&st, "cannot encode sgimage");
	PG_RETURN_BYTEA_P(sgpg_bytea_from_buffer(wire, len));
}
