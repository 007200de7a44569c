/*
 * nn_weights.c — the weights file format (docs/weights-format.md):
 * little-endian; a 24-byte preamble (magic "SGLNNW01", format version,
 * header length, file length), a fixed binary header (task, name, version,
 * input spec, architecture, tensor count), the tensors in the model's fixed
 * order (name, shape, float32 data), and a CRC-32 (zlib) of everything
 * before it.  The reader checks sizes before it allocates, and every field
 * against the documented limits and the architecture.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "sglens/alloc.h"
#include "nn_internal.h"

#define NN_MAGIC "SGLNNW01"
#define NN_FORMAT_VERSION 1
#define NN_PREAMBLE 24
#define NN_MIN_FILE (NN_PREAMBLE + 4)

/* ---- byte writer ---- */

typedef struct wbuf
{
	unsigned char *p;
} wbuf;

static void
put_u8(wbuf *w, unsigned v)
{
	*w->p++ = (unsigned char) v;
}

static void
put_u32(wbuf *w, uint32_t v)
{
	for (int s = 0; s < 32; s += 8)
		*w->p++ = (v >> s) & 0xff;
}

static void
put_u64(wbuf *w, uint64_t v)
{
	for (int s = 0; s < 64; s += 8)
		*w->p++ = (v >> s) & 0xff;
}

static void
put_f64(wbuf *w, double d)
{
	uint64_t	v;

	memcpy(&v, &d, 8);
	put_u64(w, v);
}

/* A length-prefixed string (length < 256). */
static void
put_str(wbuf *w, const char *s)
{
	size_t		n = strlen(s);

	put_u8(w, (unsigned) n);
	memcpy(w->p, s, n);
	w->p += n;
}

/* ---- byte reader: every read is bounds-checked ---- */

typedef struct rbuf
{
	const unsigned char *p;
	const unsigned char *end;
	const char *what;			/* the section being read, for messages */
	sg_status  *st;
} rbuf;

/* Fail unless n more bytes are available. */
static bool
need(rbuf *r, size_t n)
{
	if ((size_t) (r->end - r->p) < n)
	{
		sg_fail(r->st, SG_ERR_BINARY, "weights file is truncated in the %s", r->what);
		return false;
	}
	return true;
}

static bool
get_u8(rbuf *r, unsigned *v)
{
	if (!need(r, 1))
		return false;
	*v = *r->p++;
	return true;
}

static uint32_t
peek_u32(const unsigned char *p)
{
	return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 |
		(uint32_t) p[3] << 24;
}

static bool
get_u32(rbuf *r, uint32_t *v)
{
	if (!need(r, 4))
		return false;
	*v = peek_u32(r->p);
	r->p += 4;
	return true;
}

static bool
get_f64(rbuf *r, double *d)
{
	uint64_t	v;

	if (!need(r, 8))
		return false;
	v = (uint64_t) peek_u32(r->p) | (uint64_t) peek_u32(r->p + 4) << 32;
	memcpy(d, &v, 8);
	r->p += 8;
	return true;
}

/* Read a uint32 size field in [lo, hi] (over hi: a limit); names it on failure. */
static bool
get_field(rbuf *r, const char *name, long lo, long hi, int *out)
{
	uint32_t	v;

	if (!get_u32(r, &v))
		return false;
	if (v < (uint32_t) lo || v > (uint32_t) hi)
	{
		sg_fail(r->st, v > (uint32_t) hi ? SG_ERR_LIMIT : SG_ERR_VALUE,
				"weights file %s %u is out of range [%ld, %ld]", name, v, lo, hi);
		return false;
	}
	*out = (int) v;
	return true;
}

/* Read a uint32 code that must be one of lo..hi. */
static bool
get_code(rbuf *r, const char *name, long lo, long hi, int *out)
{
	uint32_t	v;

	if (!get_u32(r, &v))
		return false;
	if (v < (uint32_t) lo || v > (uint32_t) hi)
	{
		sg_fail(r->st, SG_ERR_VALUE, "weights file has an unknown %s %u (known: %ld to %ld)",
				name, v, lo, hi);
		return false;
	}
	*out = (int) v;
	return true;
}

/* True if byte c may appear in a string of this class (band or text). */
static bool
str_char_ok(unsigned char c, bool band)
{
	if (band)
		return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			(c >= '0' && c <= '9') || c == '_' || c == '.' || c == '+' || c == '-';
	return c >= 0x20 && c <= 0x7e;
}

/* Read a length-prefixed string of 1..cap-1 allowed characters into buf. */
static bool
get_str(rbuf *r, const char *name, char *buf, size_t cap, bool band)
{
	unsigned	n;

	if (!get_u8(r, &n))
		return false;
	if (n == 0 || n >= cap)
	{
		sg_fail(r->st, SG_ERR_VALUE, "weights file %s has length %u (must be 1 to %zu)",
				name, n, cap - 1);
		return false;
	}
	if (!need(r, n))
		return false;
	for (unsigned i = 0; i < n; i++)
		if (!str_char_ok(r->p[i], band))
		{
			sg_fail(r->st, SG_ERR_VALUE, "weights file %s holds a forbidden byte 0x%02x",
					name, r->p[i]);
			return false;
		}
	memcpy(buf, r->p, n);
	buf[n] = '\0';
	r->p += n;
	return true;
}

/* ---- metadata ---- */

/* Fail unless s is a NUL-terminated string of 1..cap-1 allowed characters. */
static bool
check_str(const char *s, size_t cap, const char *name, bool band, sg_status *st)
{
	size_t		n = strnlen(s, cap);

	if (n == 0 || n == cap)
	{
		sg_fail(st, SG_ERR_VALUE, "model %s must have 1 to %zu characters", name, cap - 1);
		return false;
	}
	for (size_t i = 0; i < n; i++)
		if (!str_char_ok((unsigned char) s[i], band))
		{
			sg_fail(st, SG_ERR_VALUE, "model %s \"%s\" holds a forbidden character",
					name, s);
			return false;
		}
	return true;
}

bool
sg_nn_info_check(const sg_nn_info *info, const sg_nn_spec *spec, sg_status *st)
{
	if (info->task == SG_NN_TASK_CLASSIFICATION && spec->n_outputs != 1)
	{
		sg_fail(st, SG_ERR_VALUE, "a classification model needs 1 output, not %d",
				spec->n_outputs);
		return false;
	}
	if (info->task == SG_NN_TASK_REGRESSION && spec->n_outputs % 2 != 0)
	{
		sg_fail(st, SG_ERR_VALUE, "a regression model needs an even number of outputs (means and log-variances), not %d",
				spec->n_outputs);
		return false;
	}
	if (info->task != SG_NN_TASK_CLASSIFICATION && info->task != SG_NN_TASK_REGRESSION)
	{
		sg_fail(st, SG_ERR_VALUE, "unknown model task code %d", (int) info->task);
		return false;
	}
	if (!check_str(info->name, SG_NN_NAME_LEN, "name", false, st) ||
		!check_str(info->version, SG_NN_VERSION_LEN, "version", false, st))
		return false;
	if (info->nbands != spec->in_channels)
	{
		sg_fail(st, SG_ERR_VALUE, "model lists %d bands but its input has %d channels",
				info->nbands, spec->in_channels);
		return false;
	}
	for (int b = 0; b < info->nbands; b++)
	{
		if (!check_str(info->bands[b], SG_BAND_NAME_LEN, "band name", true, st))
			return false;
		for (int c = 0; c < b; c++)
			if (strcmp(info->bands[b], info->bands[c]) == 0)
			{
				sg_fail(st, SG_ERR_VALUE, "model band \"%s\" is listed twice", info->bands[b]);
				return false;
			}
	}
	if (!(info->pixel_scale > 0.0 && isfinite(info->pixel_scale)))
	{
		sg_fail(st, SG_ERR_VALUE, "model pixel scale %g must be finite and positive",
				info->pixel_scale);
		return false;
	}
	if (info->norm != SG_NN_NORM_NONE && info->norm != SG_NN_NORM_NOISE)
	{
		sg_fail(st, SG_ERR_VALUE, "unknown normalisation code %d", (int) info->norm);
		return false;
	}
	return true;
}

/* Bytes of the header section for this metadata and spec. */
static size_t
header_size(const sg_nn_info *info, const sg_nn_spec *spec)
{
	size_t		n = 4 + 1 + strlen(info->name) + 1 + strlen(info->version) + 4;

	for (int b = 0; b < info->nbands; b++)
		n += 1 + strlen(info->bands[b]);
	n += 4 + 8 + 4;				/* input size, pixel scale, normalisation */
	n += 7 * 4 + 12 * (size_t) spec->nstages + 4;
	return n;
}

/* Write the header section. */
static void
write_header(wbuf *w, const sg_nn_info *info, const sg_nn_spec *s, int ntensors)
{
	put_u32(w, (uint32_t) info->task);
	put_str(w, info->name);
	put_str(w, info->version);
	put_u32(w, (uint32_t) info->nbands);
	for (int b = 0; b < info->nbands; b++)
		put_str(w, info->bands[b]);
	put_u32(w, (uint32_t) s->in_size);
	put_f64(w, info->pixel_scale);
	put_u32(w, (uint32_t) info->norm);
	put_u32(w, (uint32_t) s->in_channels);
	put_u32(w, (uint32_t) s->stem_channels);
	put_u32(w, (uint32_t) s->stem_kernel);
	put_u32(w, (uint32_t) s->stem_pool);
	put_u32(w, (uint32_t) s->act);
	put_u32(w, (uint32_t) s->n_outputs);
	put_u32(w, (uint32_t) s->nstages);
	for (int i = 0; i < s->nstages; i++)
	{
		put_u32(w, (uint32_t) s->stages[i].channels);
		put_u32(w, (uint32_t) s->stages[i].units);
		put_u32(w, s->stages[i].downsample ? 1 : 0);
	}
	put_u32(w, (uint32_t) ntensors);
}

/* Fail if a tensor holds NaN or ±Inf, or a running variance is negative. */
static bool
check_values(const sg_nn_model *m, sg_status *st)
{
	for (int i = 0; i < m->nparams; i++)
	{
		const sg_nn_param *p = &m->params[i];
		const char *dot = strrchr(p->name, '.');
		bool		is_var = dot && strcmp(dot, ".var") == 0;

		for (size_t j = 0; j < p->size; j++)
			if (!isfinite(p->data[j]) || (is_var && p->data[j] < 0.0f))
			{
				sg_fail(st, SG_ERR_VALUE, "model tensor \"%s\" holds %s value at index %zu",
						p->name, isfinite(p->data[j]) ? "a negative variance" : "a NaN or infinite", j);
				return false;
			}
	}
	return true;
}

void *
sg_nn_write(sg_nn_model *m, const sg_nn_info *info, size_t *len, sg_status *st)
{
	size_t		hlen,
				total;
	unsigned char *buf;
	wbuf		w;

	if (m->folded)
	{
		sg_fail(st, SG_ERR_VALUE, "a folded model cannot be saved; save the model it was folded from");
		return NULL;
	}
	if (!sg_nn_info_check(info, &m->spec, st) || !check_values(m, st))
		return NULL;
	hlen = header_size(info, &m->spec);
	total = NN_PREAMBLE + hlen + 4;
	for (int i = 0; i < m->nparams; i++)
		total += 1 + strlen(m->params[i].name) + 4 + 4 * (size_t) m->params[i].ndim +
			4 * m->params[i].size;
	if (total > SG_NN_MAX_FILE)
	{
		sg_fail(st, SG_ERR_LIMIT, "weights file would have %zu bytes, over the limit of %d",
				total, SG_NN_MAX_FILE);
		return NULL;
	}
	if ((buf = sg_malloc(total)) == NULL)
	{
		sg_fail(st, SG_ERR_NOMEM, "out of memory writing a weights file");
		return NULL;
	}
	w.p = buf;
	memcpy(w.p, NN_MAGIC, 8);
	w.p += 8;
	put_u32(&w, NN_FORMAT_VERSION);
	put_u32(&w, (uint32_t) hlen);
	put_u64(&w, total);
	write_header(&w, info, &m->spec, m->nparams);
	for (int i = 0; i < m->nparams; i++)
	{
		const sg_nn_param *p = &m->params[i];

		put_str(&w, p->name);
		put_u32(&w, (uint32_t) p->ndim);
		for (int d = 0; d < p->ndim; d++)
			put_u32(&w, (uint32_t) p->dims[d]);
		for (size_t j = 0; j < p->size; j++)
		{
			uint32_t	v;

			memcpy(&v, &p->data[j], 4);
			put_u32(&w, v);
		}
	}
	put_u32(&w, (uint32_t) crc32(crc32(0L, Z_NULL, 0), buf, (uInt) (total - 4)));
	*len = total;
	return buf;
}

/* Check the preamble, the total length and the checksum. */
static bool
read_preamble(const unsigned char *b, size_t len, uint32_t *hlen, sg_status *st)
{
	uint64_t	flen;
	uint32_t	version,
				stored,
				computed;

	if (len < NN_MIN_FILE)
	{
		sg_fail(st, SG_ERR_BINARY, "weights file is truncated: %zu bytes, at least %d needed",
				len, NN_MIN_FILE);
		return false;
	}
	if (memcmp(b, NN_MAGIC, 8) != 0)
	{
		sg_fail(st, SG_ERR_BINARY, "bad magic: not an sglens weights file (expected \"%s\")",
				NN_MAGIC);
		return false;
	}
	version = peek_u32(b + 8);
	if (version != NN_FORMAT_VERSION)
	{
		sg_fail(st, SG_ERR_BINARY, "unknown weights format version %u (this build reads version %d)",
				version, NN_FORMAT_VERSION);
		return false;
	}
	*hlen = peek_u32(b + 12);
	flen = (uint64_t) peek_u32(b + 16) | (uint64_t) peek_u32(b + 20) << 32;
	if (flen > SG_NN_MAX_FILE || len > SG_NN_MAX_FILE)
	{
		sg_fail(st, SG_ERR_LIMIT, "weights file of %llu bytes is over the limit of %d",
				(unsigned long long) (flen > len ? flen : len), SG_NN_MAX_FILE);
		return false;
	}
	if (len < flen)
	{
		sg_fail(st, SG_ERR_BINARY, "weights file is truncated: %zu bytes of %llu",
				len, (unsigned long long) flen);
		return false;
	}
	if (len > flen)
	{
		sg_fail(st, SG_ERR_BINARY, "weights file has %llu unexpected bytes after its checksum",
				(unsigned long long) (len - flen));
		return false;
	}
	stored = peek_u32(b + len - 4);
	computed = (uint32_t) crc32(crc32(0L, Z_NULL, 0), b, (uInt) (len - 4));
	if (stored != computed)
	{
		sg_fail(st, SG_ERR_BINARY, "weights file checksum mismatch (stored %08x, computed %08x): the file is corrupt",
				stored, computed);
		return false;
	}
	if (*hlen > len - NN_MIN_FILE)
	{
		sg_fail(st, SG_ERR_BINARY, "weights file header length %u runs past the end of the file",
				*hlen);
		return false;
	}
	return true;
}

/* Parse the header section into info and spec; *ntensors gets the count. */
static bool
read_header(rbuf *r, sg_nn_info *info, sg_nn_spec *s, uint32_t *ntensors)
{
	int			task,
				norm,
				ds;
	char		what[48];

	memset(info, 0, sizeof(*info));
	memset(s, 0, sizeof(*s));
	if (!get_code(r, "task code", SG_NN_TASK_CLASSIFICATION, SG_NN_TASK_REGRESSION, &task) ||
		!get_str(r, "model name", info->name, SG_NN_NAME_LEN, false) ||
		!get_str(r, "model version", info->version, SG_NN_VERSION_LEN, false) ||
		!get_field(r, "number of bands", 1, SG_NN_MAX_BANDS, &info->nbands))
		return false;
	info->task = task;
	for (int b = 0; b < info->nbands; b++)
		if (!get_str(r, "band name", info->bands[b], SG_BAND_NAME_LEN, true))
			return false;
	if (!get_field(r, "input size", 1, SG_NN_MAX_INPUT, &s->in_size) ||
		!get_f64(r, &info->pixel_scale) ||
		!get_code(r, "normalisation code", SG_NN_NORM_NONE, SG_NN_NORM_NOISE, &norm))
		return false;
	info->norm = norm;
	if (!get_field(r, "input channels", 1, SG_NN_MAX_BANDS, &s->in_channels) ||
		!get_field(r, "stem channels", 1, SG_NN_MAX_CHANNELS, &s->stem_channels) ||
		!get_field(r, "stem kernel", 1, SG_NN_MAX_KERNEL, &s->stem_kernel) ||
		!get_code(r, "stem pooling code", SG_NN_POOL_NONE, SG_NN_POOL_AVG, &ds))
		return false;
	s->stem_pool = ds;
	if (!get_code(r, "activation code", SG_NN_ACT_ELU, SG_NN_ACT_RELU, &ds))
		return false;
	s->act = ds;
	if (!get_field(r, "number of outputs", 1, SG_NN_MAX_OUTPUTS, &s->n_outputs) ||
		!get_field(r, "number of stages", 0, SG_NN_MAX_STAGES, &s->nstages))
		return false;
	for (int i = 0; i < s->nstages; i++)
	{
		snprintf(what, sizeof(what), "stage %d channels", i);
		if (!get_field(r, what, 1, SG_NN_MAX_CHANNELS, &s->stages[i].channels))
			return false;
		snprintf(what, sizeof(what), "stage %d units", i);
		if (!get_field(r, what, 1, SG_NN_MAX_UNITS, &s->stages[i].units))
			return false;
		snprintf(what, sizeof(what), "stage %d downsample flag", i);
		if (!get_code(r, what, 0, 1, &ds))
			return false;
		s->stages[i].downsample = ds == 1;
	}
	return get_u32(r, ntensors);
}

/* Read one tensor into parameter p, checking name, shape and values. */
static bool
read_tensor(rbuf *r, int index, sg_nn_param *p)
{
	char		name[SG_NN_PARAM_NAME_LEN];
	uint32_t	ndim,
				dim;
	bool		is_var;
	const char *dot = strrchr(p->name, '.');

	if (!get_str(r, "tensor name", name, sizeof(name), false))
		return false;
	if (strcmp(name, p->name) != 0)
	{
		sg_fail(r->st, SG_ERR_VALUE, "weights file tensor %d is \"%s\" but the architecture needs \"%s\" there",
				index, name, p->name);
		return false;
	}
	if (!get_u32(r, &ndim))
		return false;
	if (ndim != (uint32_t) p->ndim)
	{
		sg_fail(r->st, SG_ERR_VALUE, "weights file tensor \"%s\" has %u dimensions, the architecture needs %d",
				name, ndim, p->ndim);
		return false;
	}
	for (int d = 0; d < p->ndim; d++)
	{
		if (!get_u32(r, &dim))
			return false;
		if (dim != (uint32_t) p->dims[d])
		{
			sg_fail(r->st, SG_ERR_VALUE, "weights file tensor \"%s\" has size %u along dimension %d, the architecture needs %d",
					name, dim, d, p->dims[d]);
			return false;
		}
	}
	if (!need(r, 4 * p->size))
		return false;
	is_var = dot && strcmp(dot, ".var") == 0;
	for (size_t j = 0; j < p->size; j++)
	{
		uint32_t	v = peek_u32(r->p + 4 * j);
		float		f;

		memcpy(&f, &v, 4);
		if (!isfinite(f) || (is_var && f < 0.0f))
		{
			sg_fail(r->st, SG_ERR_VALUE, "weights file tensor \"%s\" holds %s value at index %zu",
					name, isfinite(f) ? "a negative variance" : "a NaN or infinite", j);
			return false;
		}
		p->data[j] = f;
	}
	r->p += 4 * p->size;
	return true;
}

sg_nn_model *
sg_nn_read(const void *buf, size_t len, sg_nn_info *info, sg_status *st)
{
	const unsigned char *b = buf;
	sg_nn_info	inf;
	sg_nn_spec	spec;
	uint32_t	hlen,
				ntensors;
	rbuf		r;
	sg_nn_model *m;

	if (!read_preamble(b, len, &hlen, st))
		return NULL;
	r.p = b + NN_PREAMBLE;
	r.end = r.p + hlen;
	r.what = "header";
	r.st = st;
	if (!read_header(&r, &inf, &spec, &ntensors))
		return NULL;
	if (r.p != r.end)
	{
		sg_fail(st, SG_ERR_BINARY, "weights file header length %u does not match its fields (%zu bytes)",
				hlen, (size_t) (r.p - (b + NN_PREAMBLE)));
		return NULL;
	}
	if (!sg_nn_spec_check(&spec, st) || !sg_nn_info_check(&inf, &spec, st))
		return NULL;
	/* the file must be able to hold the weights before they are allocated */
	if (sg_nn_spec_param_count(&spec) > (len - NN_PREAMBLE - hlen - 4) / 4)
	{
		sg_fail(st, SG_ERR_BINARY, "weights file is truncated: its architecture has %zu weights, more than the file can hold",
				sg_nn_spec_param_count(&spec));
		return NULL;
	}
	m = nn_model_alloc(&spec, false, st);
	if (m == NULL)
		return NULL;
	if (!nn_build_graph(m, st) || !nn_plan(m, st))
		goto fail;
	if (ntensors != (uint32_t) m->nparams)
	{
		sg_fail(st, SG_ERR_VALUE, "weights file has %u tensors, the architecture needs %d",
				ntensors, m->nparams);
		goto fail;
	}
	r.end = b + len - 4;
	r.what = "tensors";
	for (int i = 0; i < m->nparams; i++)
		if (!read_tensor(&r, i, &m->params[i]))
			goto fail;
	if (r.p != r.end)
	{
		sg_fail(st, SG_ERR_BINARY, "weights file has %zu unexpected bytes after its tensors",
				(size_t) (r.end - r.p));
		goto fail;
	}
	if (info)
		*info = inf;
	return m;
fail:
	sg_nn_model_free(m);
	return NULL;
}

bool
sg_nn_save_file(sg_nn_model *m, const sg_nn_info *info, const char *path,
				sg_status *st)
{
	size_t		len;
	void	   *buf = sg_nn_write(m, info, &len, st);
	FILE	   *f;
	bool		ok;

	if (buf == NULL)
		return false;
	f = fopen(path, "wb");
	ok = f != NULL && fwrite(buf, 1, len, f) == len;
	if (f != NULL && fclose(f) != 0)
		ok = false;
	sg_free(buf);
	if (!ok)
		sg_fail(st, SG_ERR_IO, "could not write weights file \"%s\"", path);
	return ok;
}

sg_nn_model *
sg_nn_load_file(const char *path, sg_nn_info *info, sg_status *st)
{
	FILE	   *f = fopen(path, "rb");
	long		size;
	unsigned char *buf = NULL;
	sg_nn_model *m = NULL;

	if (f == NULL)
	{
		sg_fail(st, SG_ERR_IO, "could not open weights file \"%s\"", path);
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0)
		sg_fail(st, SG_ERR_IO, "could not read weights file \"%s\"", path);
	else if (size > SG_NN_MAX_FILE)
		sg_fail(st, SG_ERR_LIMIT, "weights file \"%s\" has %ld bytes, over the limit of %d",
				path, size, SG_NN_MAX_FILE);
	else if ((buf = sg_malloc(size ? (size_t) size : 1)) == NULL)
		sg_fail(st, SG_ERR_NOMEM, "out of memory reading weights file \"%s\"", path);
	else if (fread(buf, 1, (size_t) size, f) != (size_t) size)
		sg_fail(st, SG_ERR_IO, "could not read weights file \"%s\"", path);
	else
		m = sg_nn_read(buf, (size_t) size, info, st);
	fclose(f);
	sg_free(buf);
	return m;
}
