/*
 * image_text.c — text form of an sgimage.
 *
 *   SGIMAGE/1 <nx>x<ny>x<nbands> scale=<s> [center=<ra>,<dec>]
 *     bands=<name>,... [zp=<v>,...] [fwhm=<v>,...] [noise=<v>,...] data=<base64>
 *
 * Tokens are separated by whitespace; keys may come in any order, each once;
 * list values are "null" when unknown.  data is base64 of the pixels as
 * little-endian float32, band-major then row-major (row 0 at the bottom).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "sglens/alloc.h"
#include "sglens/image_text.h"
#include "strbuf.h"

#define TEXT_MAGIC "SGIMAGE/1"
#define NUMBER_MAX 64

/* Append and report whether the buffer is still good. */
static bool
buf_append(sg_strbuf *buf, const char *s)
{
	sg_strbuf_append(buf, s);
	return !buf->failed;
}

/* ---------- output ---------- */

/* Shortest decimal that reads back to exactly v (v finite). */
static void
format_double(double v, char *out)
{
	/* integers print plainly ("-90", not "-9e+01") */
	if (v == floor(v) && fabs(v) < 1e15)
	{
		snprintf(out, NUMBER_MAX, "%.0f", v);
		return;
	}
	for (int prec = 1; prec <= 17; prec++)
	{
		snprintf(out, NUMBER_MAX, "%.*g", prec, v);
		if (strtod(out, NULL) == v)
			return;
	}
}

static bool
append_double(sg_strbuf *buf, double v)
{
	char		num[NUMBER_MAX];

	if (isnan(v))
		return buf_append(buf, "null");
	format_double(v, num);
	return buf_append(buf, num);
}

/* Append " key=v1,v2,..." for one band field unless every value is unknown. */
static bool
append_band_list(sg_strbuf *buf, const sg_image *img, const char *key, size_t offset)
{
	bool		any = false;

	for (int b = 0; b < img->nbands; b++)
		if (!isnan(*(const double *) ((const char *) &img->bands[b] + offset)))
			any = true;
	if (!any)
		return true;
	if (!buf_append(buf, " ") || !buf_append(buf, key) || !buf_append(buf, "="))
		return false;
	for (int b = 0; b < img->nbands; b++)
	{
		if (b > 0 && !buf_append(buf, ","))
			return false;
		if (!append_double(buf, *(const double *) ((const char *) &img->bands[b] + offset)))
			return false;
	}
	return true;
}

static bool
append_header(sg_strbuf *buf, const sg_image *img)
{
	char		tmp[96];

	snprintf(tmp, sizeof(tmp), "%s %dx%dx%d scale=", TEXT_MAGIC, img->nx, img->ny,
			 img->nbands);
	if (!buf_append(buf, tmp) || !append_double(buf, img->pixel_scale))
		return false;
	if (img->flags & SG_FLAG_HAS_CENTER)
	{
		if (!buf_append(buf, " center=") || !append_double(buf, img->ra) ||
			!buf_append(buf, ",") || !append_double(buf, img->dec))
			return false;
	}
	if (!buf_append(buf, " bands="))
		return false;
	for (int b = 0; b < img->nbands; b++)
		if ((b > 0 && !buf_append(buf, ",")) || !buf_append(buf, img->bands[b].name))
			return false;
	return append_band_list(buf, img, "zp", offsetof(sg_band, zeropoint)) &&
		append_band_list(buf, img, "fwhm", offsetof(sg_band, psf_fwhm)) &&
		append_band_list(buf, img, "noise", offsetof(sg_band, noise_sigma));
}

/* Pixels as little-endian float32 bytes, whatever the host order. */
static void
pixels_to_le(const sg_image *img, unsigned char *out)
{
	const float *pix = sg_image_pixels(img);
	size_t		n = sg_image_npixels(img);

	for (size_t i = 0; i < n; i++)
	{
		uint32_t	u;

		memcpy(&u, &pix[i], 4);
		out[4 * i] = u & 0xff;
		out[4 * i + 1] = (u >> 8) & 0xff;
		out[4 * i + 2] = (u >> 16) & 0xff;
		out[4 * i + 3] = (u >> 24) & 0xff;
	}
}

static bool
append_data(sg_strbuf *buf, const sg_image *img)
{
	size_t		nbytes = sg_image_npixels(img) * 4;
	size_t		nchars = sg_base64_encoded_len(nbytes);
	unsigned char *raw;

	if (!buf_append(buf, " data=") || !sg_strbuf_reserve(buf, nchars))
		return false;
	raw = sg_malloc(nbytes);
	if (raw == NULL)
		return false;
	pixels_to_le(img, raw);
	sg_base64_encode(raw, nbytes, buf->data + buf->len);
	buf->len += nchars;
	buf->data[buf->len] = '\0';
	sg_free(raw);
	return true;
}

char *
sg_image_to_text(const sg_image *img, sg_status *st)
{
	sg_strbuf	buf = {NULL, 0, 0, false};

	if (!append_header(&buf, img) || !append_data(&buf, img))
	{
		sg_free(buf.data);
		sg_fail(st, SG_ERR_NOMEM, "out of memory formatting an sgimage");
		return NULL;
	}
	return buf.data;
}

/* ---------- input ---------- */

typedef struct token
{
	const char *s;
	size_t		len;
} token;

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Next whitespace-separated token; false at the end of input. */
static bool
next_token(const char **pos, token *tok)
{
	const char *p = *pos;

	while (*p && is_space(*p))
		p++;
	if (*p == '\0')
		return false;
	tok->s = p;
	while (*p && !is_space(*p))
		p++;
	tok->len = (size_t) (p - tok->s);
	*pos = p;
	return true;
}

static bool
token_is(const token *tok, const char *word)
{
	return tok->len == strlen(word) && memcmp(tok->s, word, tok->len) == 0;
}

/* Parse a finite double (or "null" → NaN when allow_null) from s[0..len). */
static bool
parse_double(const char *s, size_t len, bool allow_null, const char *what,
			 double *out, sg_status *st)
{
	char		tmp[NUMBER_MAX];
	char	   *end;

	if (allow_null && len == 4 && memcmp(s, "null", 4) == 0)
	{
		*out = NAN;
		return true;
	}
	if (len == 0 || len >= NUMBER_MAX)
	{
		sg_fail(st, SG_ERR_SYNTAX, "%s: expected a number, got \"%.*s\"", what,
				(int) (len > 40 ? 40 : len), s);
		return false;
	}
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	errno = 0;
	*out = strtod(tmp, &end);
	if (*end != '\0' || end == tmp || is_space(tmp[0]))
	{
		sg_fail(st, SG_ERR_SYNTAX, "%s: expected a number, got \"%s\"", what, tmp);
		return false;
	}
	if (!isfinite(*out))
	{
		sg_fail(st, SG_ERR_VALUE, "%s must be finite%s, got \"%s\"", what,
				allow_null ? " or null" : "", tmp);
		return false;
	}
	return true;
}

/* Split s[0..len) at commas into exactly n items (starts and lengths). */
static bool
split_list(const char *s, size_t len, int n, const char *key, const char **items,
		   size_t *lens, sg_status *st)
{
	int			count = 0;
	size_t		start = 0;

	for (size_t i = 0; i <= len; i++)
	{
		if (i == len || s[i] == ',')
		{
			if (count == n)
			{
				sg_fail(st, SG_ERR_SYNTAX, "%s: more than %d value(s) for %d band(s)", key, n, n);
				return false;
			}
			items[count] = s + start;
			lens[count] = i - start;
			count++;
			start = i + 1;
		}
	}
	if (count != n)
	{
		sg_fail(st, SG_ERR_SYNTAX, "%s: %d value(s) given for %d band(s)", key, count, n);
		return false;
	}
	return true;
}

/* Parse "NXxNYxNB" into a shape, checking limits before any allocation. */
static bool
parse_shape(const token *tok, int *nx, int *ny, int *nb, sg_status *st)
{
	long		v[3];
	const char *p = tok->s;
	const char *end = tok->s + tok->len;

	for (int k = 0; k < 3; k++)
	{
		long		x = 0;
		int			digits = 0;

		while (p < end && *p >= '0' && *p <= '9' && digits < 10)
		{
			x = x * 10 + (*p++ - '0');
			digits++;
		}
		if (digits == 0 || (k < 2 && (p >= end || *p != 'x')) || (digits == 10 && p < end && *p >= '0' && *p <= '9'))
		{
			sg_fail(st, SG_ERR_SYNTAX, "expected the size as <width>x<height>x<bands>, got \"%.*s\"",
					(int) (tok->len > 40 ? 40 : tok->len), tok->s);
			return false;
		}
		v[k] = x;
		if (k < 2)
			p++;
	}
	if (p != end)
	{
		sg_fail(st, SG_ERR_SYNTAX, "expected the size as <width>x<height>x<bands>, got \"%.*s\"",
				(int) (tok->len > 40 ? 40 : tok->len), tok->s);
		return false;
	}
	if (!sg_image_check_shape(v[0], v[1], v[2], st))
		return false;
	*nx = (int) v[0];
	*ny = (int) v[1];
	*nb = (int) v[2];
	return true;
}

typedef struct parsed_keys
{
	token		scale,
				center,
				bands,
				zp,
				fwhm,
				noise,
				data;
} parsed_keys;

/* Store key=value tokens; unknown or repeated keys are errors. */
static bool
collect_keys(const char *pos, parsed_keys *keys, sg_status *st)
{
	static const char *const names[] = {"scale", "center", "bands", "zp", "fwhm", "noise", "data"};
	token	   *slots[] = {&keys->scale, &keys->center, &keys->bands, &keys->zp,
	&keys->fwhm, &keys->noise, &keys->data};
	token		tok;

	memset(keys, 0, sizeof(*keys));
	while (next_token(&pos, &tok))
	{
		const char *eq = memchr(tok.s, '=', tok.len);
		size_t		klen = eq ? (size_t) (eq - tok.s) : 0;
		int			k;

		for (k = 0; k < 7; k++)
			if (eq && klen == strlen(names[k]) && memcmp(tok.s, names[k], klen) == 0)
				break;
		if (k == 7)
		{
			sg_fail(st, SG_ERR_SYNTAX, "unexpected \"%.*s\" (keys are scale, center, bands, zp, fwhm, noise, data)",
					(int) (tok.len > 40 ? 40 : tok.len), tok.s);
			return false;
		}
		if (slots[k]->s != NULL)
		{
			sg_fail(st, SG_ERR_SYNTAX, "key \"%s\" appears twice", names[k]);
			return false;
		}
		slots[k]->s = eq + 1;
		slots[k]->len = tok.len - klen - 1;
	}
	if (!keys->scale.s || !keys->bands.s || !keys->data.s)
	{
		sg_fail(st, SG_ERR_SYNTAX, "missing key \"%s\"",
				!keys->scale.s ? "scale" : !keys->bands.s ? "bands" : "data");
		return false;
	}
	return true;
}

static bool
parse_center(const token *tok, sg_image *img, sg_status *st)
{
	const char *items[2];
	size_t		lens[2];
	double		ra,
				dec;

	return split_list(tok->s, tok->len, 2, "center", items, lens, st) &&
		parse_double(items[0], lens[0], false, "center ra", &ra, st) &&
		parse_double(items[1], lens[1], false, "center dec", &dec, st) &&
		sg_image_set_center(img, ra, dec, st);
}

static bool
parse_band_names(const token *tok, sg_image *img, sg_status *st)
{
	const char *items[SG_MAX_BANDS];
	size_t		lens[SG_MAX_BANDS];

	if (!split_list(tok->s, tok->len, img->nbands, "bands", items, lens, st))
		return false;
	for (int b = 0; b < img->nbands; b++)
	{
		char		name[SG_BAND_NAME_LEN + 1];

		if (lens[b] > SG_BAND_NAME_LEN)
		{
			sg_fail(st, SG_ERR_VALUE, "band name \"%.*s\" is longer than %d characters",
					(int) (lens[b] > 40 ? 40 : lens[b]), items[b], SG_BAND_NAME_LEN - 1);
			return false;
		}
		memcpy(name, items[b], lens[b]);
		name[lens[b]] = '\0';
		if (!sg_image_set_band_name(img, b, name, st))
			return false;
		if (sg_image_find_band(img, name) != b)
		{
			sg_fail(st, SG_ERR_VALUE, "band name \"%s\" appears twice", name);
			return false;
		}
	}
	return true;
}

/* Parse an optional per-band list into the double at offset in each band. */
static bool
parse_band_values(const token *tok, const char *key, size_t offset, bool positive,
				  sg_image *img, sg_status *st)
{
	const char *items[SG_MAX_BANDS];
	size_t		lens[SG_MAX_BANDS];

	if (tok->s == NULL)
		return true;
	if (!split_list(tok->s, tok->len, img->nbands, key, items, lens, st))
		return false;
	for (int b = 0; b < img->nbands; b++)
	{
		double	   *slot = (double *) ((char *) &img->bands[b] + offset);

		if (!parse_double(items[b], lens[b], true, key, slot, st))
			return false;
		if (positive && !isnan(*slot) && *slot <= 0)
		{
			sg_fail(st, SG_ERR_VALUE, "%s of band \"%s\" must be positive, got %g", key,
					img->bands[b].name, *slot);
			return false;
		}
	}
	return true;
}

static bool
parse_data(const token *tok, sg_image *img, sg_status *st)
{
	size_t		nbytes = sg_image_npixels(img) * 4;
	unsigned char *pix = (unsigned char *) sg_image_pixels(img);
	size_t		got = 0;

	if (!sg_base64_decode(tok->s, tok->len, pix, nbytes, &got) || got != nbytes)
	{
		sg_fail(st, SG_ERR_SYNTAX, "data is not valid base64");
		return false;
	}
	/* little-endian bytes → host floats */
	for (size_t i = 0; i < nbytes; i += 4)
	{
		uint32_t	u = (uint32_t) pix[i] | ((uint32_t) pix[i + 1] << 8) |
		((uint32_t) pix[i + 2] << 16) | ((uint32_t) pix[i + 3] << 24);

		memcpy(pix + i, &u, 4);
	}
	return sg_image_check_pixels(img, st);
}

sg_image *
sg_image_from_text(const char *text, sg_status *st)
{
	const char *pos = text;
	token		tok;
	parsed_keys keys;
	int			nx,
				ny,
				nb;
	double		scale;
	sg_image   *img;

	if (!next_token(&pos, &tok) || !token_is(&tok, TEXT_MAGIC))
	{
		sg_fail(st, SG_ERR_SYNTAX, "sgimage text must start with \"%s\"", TEXT_MAGIC);
		return NULL;
	}
	if (!next_token(&pos, &tok))
	{
		sg_fail(st, SG_ERR_SYNTAX, "sgimage text ends before the size");
		return NULL;
	}
	if (!parse_shape(&tok, &nx, &ny, &nb, st) || !collect_keys(pos, &keys, st) ||
		!parse_double(keys.scale.s, keys.scale.len, false, "scale", &scale, st))
		return NULL;
	if (keys.data.len != sg_base64_encoded_len((size_t) nx * ny * nb * 4))
	{
		sg_fail(st, SG_ERR_SYNTAX, "data has %zu base64 characters, expected %zu for %d x %d x %d pixels",
				keys.data.len, sg_base64_encoded_len((size_t) nx * ny * nb * 4), nx, ny, nb);
		return NULL;
	}
	img = sg_image_new(nx, ny, nb, scale, st);
	if (img == NULL)
		return NULL;
	if ((keys.center.s && !parse_center(&keys.center, img, st)) ||
		!parse_band_names(&keys.bands, img, st) ||
		!parse_band_values(&keys.zp, "zp", offsetof(sg_band, zeropoint), false, img, st) ||
		!parse_band_values(&keys.fwhm, "fwhm", offsetof(sg_band, psf_fwhm), true, img, st) ||
		!parse_band_values(&keys.noise, "noise", offsetof(sg_band, noise_sigma), true, img, st) ||
		!parse_data(&keys.data, img, st))
	{
		sg_free(img);
		return NULL;
	}
	return img;
}
