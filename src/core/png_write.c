/*
 * png_write.c — encode stretched pixels as an 8-bit RGB or greyscale PNG in
 * memory through libpng.
 *
 * libpng reports errors by longjmp; the only setjmp is in encode(), which
 * modifies no locals after it, and every buffer (the row table, the pixels,
 * the output) is owned by the callers of encode(), which free it on both
 * paths.  libpng's own memory goes through the core allocator too, so under
 * the PostgreSQL binding it lives in a memory context.
 */
#include <png.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "png_internal.h"
#include "sglens/alloc.h"

#define SINK_INITIAL 4096

/* Where libpng's output and error message go. */
typedef struct png_sink
{
	unsigned char *data;		/* sg_malloc'd output */
	size_t		len;
	size_t		cap;
	bool		nomem;			/* an allocation failed */
	char		message[128];	/* libpng's error message */
} png_sink;

/* libpng error callback: keep the message and unwind to encode(). */
static void
on_error(png_structp png, png_const_charp msg)
{
	png_sink   *sink = png_get_error_ptr(png);

	snprintf(sink->message, sizeof(sink->message), "%s", msg);
	png_longjmp(png, 1);
}

/* libpng warning callback: nothing we write should warn; ignore. */
static void
on_warning(png_structp png, png_const_charp msg)
{
	(void) png;
	(void) msg;
}

/* libpng allocation through the core allocator. */
static png_voidp
on_malloc(png_structp png, png_alloc_size_t size)
{
	void	   *p = sg_malloc(size);

	if (p == NULL)
		((png_sink *) png_get_mem_ptr(png))->nomem = true;
	return p;
}

/* libpng release through the core allocator. */
static void
on_free(png_structp png, png_voidp ptr)
{
	(void) png;
	sg_free(ptr);
}

/* libpng output callback: append to the growing buffer. */
static void
on_write(png_structp png, png_bytep data, size_t n)
{
	png_sink   *sink = png_get_io_ptr(png);

	if (n > sink->cap - sink->len)
	{
		size_t		cap = sink->cap ? sink->cap : SINK_INITIAL;
		unsigned char *grown;

		while (cap - sink->len < n)
		{
			if (cap > SIZE_MAX / 2)
				png_error(png, "PNG output too large");
			cap *= 2;
		}
		grown = sg_realloc(sink->data, cap);
		if (grown == NULL)
		{
			sink->nomem = true;
			png_error(png, "out of memory");
		}
		sink->data = grown;
		sink->cap = cap;
	}
	memcpy(sink->data + sink->len, data, n);
	sink->len += n;
}

/* libpng flush callback: nothing to flush in memory. */
static void
on_flush(png_structp png)
{
	(void) png;
}

/*
 * Run libpng over the rows (top row first); false when libpng raised an
 * error.  Nothing here is modified after setjmp, so no volatile is needed.
 */
static bool
encode(png_structp png, png_infop info, png_bytepp rows, int nx, int ny,
	   int colour_type, png_sink *sink)
{
	if (setjmp(png_jmpbuf(png)))
		return false;
	png_set_write_fn(png, sink, on_write, on_flush);
	png_set_IHDR(png, info, (png_uint_32) nx, (png_uint_32) ny, 8, colour_type,
				 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
				 PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	png_write_image(png, rows);
	png_write_end(png, NULL);
	return true;
}

/* Record why writing failed. */
static void
report_failure(const png_sink *sink, sg_status *st)
{
	if (sink->nomem)
		sg_fail(st, SG_ERR_NOMEM, "out of memory writing a PNG");
	else
		sg_fail(st, SG_ERR_INTERNAL, "libpng failed writing a PNG: %s",
				sink->message[0] ? sink->message : "unknown error");
}

/*
 * Table of row pointers, top PNG row first: PNG row k is image row
 * ny - 1 - k, since image row 0 is the bottom (FITS convention).
 */
static png_bytepp
flipped_rows(unsigned char *pixels, int nx, int ny, int channels)
{
	png_bytepp	rows = sg_malloc((size_t) ny * sizeof(png_bytep));

	if (rows == NULL)
		return NULL;
	for (int k = 0; k < ny; k++)
		rows[k] = pixels + (size_t) (ny - 1 - k) * nx * channels;
	return rows;
}

/* Encode 8-bit pixels (image order, channels 1 or 3) as a PNG. */
static void *
write_png(unsigned char *pixels, int nx, int ny, int channels, size_t *len,
		  sg_status *st)
{
	png_sink	sink;
	png_structp png;
	png_infop	info = NULL;
	png_bytepp	rows;
	bool		ok;

	memset(&sink, 0, sizeof(sink));
	rows = flipped_rows(pixels, nx, ny, channels);
	if (rows == NULL)
	{
		sg_fail(st, SG_ERR_NOMEM, "out of memory writing a PNG");
		return NULL;
	}
	png = png_create_write_struct_2(PNG_LIBPNG_VER_STRING, &sink, on_error,
									on_warning, &sink, on_malloc, on_free);
	if (png != NULL)
		info = png_create_info_struct(png);
	if (png == NULL || info == NULL)
	{
		png_destroy_write_struct(&png, NULL);
		sg_free(rows);
		sg_fail(st, SG_ERR_NOMEM, "out of memory creating the libpng writer");
		return NULL;
	}
	ok = encode(png, info, rows, nx, ny,
				channels == 3 ? PNG_COLOR_TYPE_RGB : PNG_COLOR_TYPE_GRAY, &sink);
	png_destroy_write_struct(&png, &info);
	sg_free(rows);
	if (!ok)
	{
		sg_free(sink.data);
		report_failure(&sink, st);
		return NULL;
	}
	*len = sink.len;
	return sink.data;
}

/* Encode 8-bit grey or RGB pixels (image order) as a PNG, for other modules. */
void *
sg_png_encode(unsigned char *pixels, int nx, int ny, int channels, size_t *len,
			  sg_status *st)
{
	*len = 0;
	if (nx < 1 || ny < 1 || (channels != 1 && channels != 3))
	{
		sg_fail(st, SG_ERR_VALUE, "cannot write a %d x %d PNG with %d channels",
				nx, ny, channels);
		return NULL;
	}
	return write_png(pixels, nx, ny, channels, len, st);
}

/* Check that a band index refers to a band of img. */
static bool
check_band(const sg_image *img, int band, const char *role, sg_status *st)
{
	if (band < 0 || band >= img->nbands)
	{
		sg_fail(st, SG_ERR_VALUE, "%s band index %d is out of range: the image has bands 0 to %d",
				role, band, img->nbands - 1);
		return false;
	}
	return true;
}

/* Colour composite PNG of three bands with the Lupton asinh stretch. */
void *
sg_png_rgb(const sg_image *img, int band_blue, int band_green, int band_red,
		   const sg_png_stretch *s, size_t *len, sg_status *st)
{
	sg_png_stretch defaults = sg_png_default_stretch();
	unsigned char *pixels;
	void	   *out;

	*len = 0;
	if (s == NULL)
		s = &defaults;
	if (!check_band(img, band_blue, "blue", st) ||
		!check_band(img, band_green, "green", st) ||
		!check_band(img, band_red, "red", st) ||
		!sg_png_check_stretch(s, st))
		return NULL;
	pixels = sg_png_stretch_rgb(img, band_red, band_green, band_blue, s, st);
	if (pixels == NULL)
		return NULL;
	out = write_png(pixels, img->nx, img->ny, 3, len, st);
	sg_free(pixels);
	return out;
}

/* Greyscale PNG of one band with the asinh stretch. */
void *
sg_png_grey(const sg_image *img, int band, const sg_png_stretch *s,
			size_t *len, sg_status *st)
{
	sg_png_stretch defaults = sg_png_default_stretch();
	unsigned char *pixels;
	void	   *out;

	*len = 0;
	if (s == NULL)
		s = &defaults;
	if (!check_band(img, band, "grey", st) || !sg_png_check_stretch(s, st))
		return NULL;
	pixels = sg_png_stretch_grey(img, band, s, st);
	if (pixels == NULL)
		return NULL;
	out = write_png(pixels, img->nx, img->ny, 1, len, st);
	sg_free(pixels);
	return out;
}
