/*
 * baseline_file.c — the baseline model file (docs/baseline.md): little-endian;
 * a 24-byte preamble (magic "SGLBASE1", format version, header length, file
 * length), a header with the input spec (the fields of a CNN weights file:
 * task, name, version, bands, input size, pixel scale, normalisation), the
 * feature spec and the training penalty, then the feature means, scales and
 * weights and the bias as float32, and a CRC-32 (zlib) of everything before
 * it.  The format is canonical: a file that reads re-encodes to the same bytes.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "sglens/alloc.h"
#include "baseline_internal.h"

#define BL_MAGIC "SGLBASE1"
#define BL_FORMAT_VERSION 1
#define BL_PREAMBLE 24
#define BL_MIN_FILE (BL_PREAMBLE + 4)
#define BL_MAX_VALUE 1e9f		/* |mean|, |weight|, |bias| and scale at most */
#define BL_MIN_SCALE 1e-9f		/* scale at least */

/* ---- little-endian writer ---- */

static void
put_u32(unsigned char **p, uint32_t v)
{
	for (int s = 0; s < 32; s += 8)
		*(*p)++ = (v >> s) & 0xff;
}

static void
put_u64(unsigned char **p, uint64_t v)
{
	put_u32(p, (uint32_t) v);
	put_u32(p, (uint32_t) (v >> 32));
}

static void
put_f64(unsigned char **p, double d)
{
	uint64_t	v;

	memcpy(&v, &d, 8);
	put_u64(p, v);
}

static void
put_f32(unsigned char **p, float f)
{
	uint32_t	v;

	memcpy(&v, &f, 4);
	put_u32(p, v);
}

/* A u8 length then the bytes. */
static void
put_str(unsigned char **p, const char *s)
{
	size_t		n = strlen(s);

	*(*p)++ = (unsigned char) n;
	memcpy(*p, s, n);
	*p += n;
}

/* ---- bounds-checked reader ---- */

typedef struct reader
{
	const unsigned char *p;
	const unsigned char *end;
	const char *what;			/* section, for messages */
	sg_status  *st;
} reader;

static uint32_t
le32(const unsigned char *p)
{
	return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 |
		(uint32_t) p[3] << 24;
}

/* Fail unless n more bytes remain. */
static bool
need(reader *r, size_t n)
{
	if ((size_t) (r->end - r->p) < n)
	{
		sg_fail(r->st, SG_ERR_BINARY, "baseline file is truncated in the %s", r->what);
		return false;
	}
	return true;
}

static bool
get_u32(reader *r, uint32_t *v)
{
	if (!need(r, 4))
		return false;
	*v = le32(r->p);
	r->p += 4;
	return true;
}

static bool
get_f64(reader *r, double *d)
{
	uint64_t	v;

	if (!need(r, 8))
		return false;
	v = (uint64_t) le32(r->p) | (uint64_t) le32(r->p + 4) << 32;
	memcpy(d, &v, 8);
	r->p += 8;
	return true;
}

/* A u32 field in [lo, hi]; over hi is a limit error. */
static bool
get_int(reader *r, const char *name, long lo, long hi, int *out)
{
	uint32_t	v;

	if (!get_u32(r, &v))
		return false;
	if (v < (uint32_t) lo || v > (uint32_t) hi)
	{
		sg_fail(r->st, v > (uint32_t) hi ? SG_ERR_LIMIT : SG_ERR_VALUE,
				"baseline file %s %u is out of range [%ld, %ld]", name, v, lo, hi);
		return false;
	}
	*out = (int) v;
	return true;
}

/* A length-prefixed string of 1..cap−1 bytes (checked later by the info check). */
static bool
get_str(reader *r, const char *name, char *buf, size_t cap)
{
	unsigned	n;

	if (!need(r, 1))
		return false;
	n = *r->p++;
	if (n == 0 || n >= cap)
	{
		sg_fail(r->st, SG_ERR_VALUE, "baseline file %s has length %u (must be 1 to %zu)",
				name, n, cap - 1);
		return false;
	}
	if (!need(r, n))
		return false;
	memcpy(buf, r->p, n);
	buf[n] = '\0';
	if (strlen(buf) != n)
	{
		sg_fail(r->st, SG_ERR_VALUE, "baseline file %s holds a NUL byte", name);
		return false;
	}
	r->p += n;
	return true;
}

/* Bytes of the header section. */
static size_t
header_size(const sg_baseline *m)
{
	size_t		n = 4 + 1 + strlen(m->info.name) + 1 + strlen(m->info.version) + 4;

	for (int b = 0; b < m->info.nbands; b++)
		n += 1 + strlen(m->info.bands[b]);
	return n + 4 + 8 + 4 + 6 * 4 + 8;
}

/*
 * Fail unless every mean, weight and the bias lie within ±BL_MAX_VALUE and
 * every scale within [BL_MIN_SCALE, BL_MAX_VALUE] (NaN fails too), so a
 * score's sums cannot overflow.
 */
static bool
check_vectors(const sg_baseline *m, sg_status *st)
{
	for (int j = 0; j < m->nfeat; j++)
		if (!(fabsf(m->mean[j]) <= BL_MAX_VALUE) || !(fabsf(m->w[j]) <= BL_MAX_VALUE) ||
			!(m->scale[j] >= BL_MIN_SCALE && m->scale[j] <= BL_MAX_VALUE))
		{
			sg_fail(st, SG_ERR_VALUE, "baseline feature %d has a mean, scale or weight out of range (NaN, infinite, |value| over 1e9 or scale under 1e-9)", j);
			return false;
		}
	if (!(fabsf(m->bias) <= BL_MAX_VALUE) || !(m->l2 >= 0 && isfinite(m->l2)))
	{
		sg_fail(st, SG_ERR_VALUE, "baseline bias %g or l2 %g is not valid", m->bias, m->l2);
		return false;
	}
	return true;
}

/* Encode a model as an SGLBASE1 file in memory. */
void *
sg_baseline_write(const sg_baseline *m, size_t *len, sg_status *st)
{
	size_t		hlen = header_size(m),
				total = BL_PREAMBLE + hlen + 4 * (3 * (size_t) m->nfeat + 1) + 4;
	unsigned char *buf,
			   *p;

	*len = 0;
	if (!baseline_info_check(&m->info, st) ||
		!sg_baseline_spec_check(&m->spec, m->info.nbands, m->in_size, st) ||
		!check_vectors(m, st))
		return NULL;
	if ((buf = sg_malloc(total)) == NULL)
	{
		sg_fail(st, SG_ERR_NOMEM, "out of memory writing a baseline file");
		return NULL;
	}
	p = buf;
	memcpy(p, BL_MAGIC, 8);
	p += 8;
	put_u32(&p, BL_FORMAT_VERSION);
	put_u32(&p, (uint32_t) hlen);
	put_u64(&p, total);
	put_u32(&p, (uint32_t) m->info.task);
	put_str(&p, m->info.name);
	put_str(&p, m->info.version);
	put_u32(&p, (uint32_t) m->info.nbands);
	for (int b = 0; b < m->info.nbands; b++)
		put_str(&p, m->info.bands[b]);
	put_u32(&p, (uint32_t) m->in_size);
	put_f64(&p, m->info.pixel_scale);
	put_u32(&p, (uint32_t) m->info.norm);
	put_u32(&p, (uint32_t) m->spec.cell);
	put_u32(&p, (uint32_t) m->spec.bins);
	put_u32(&p, (uint32_t) m->spec.block);
	put_u32(&p, (uint32_t) m->spec.annuli);
	put_u32(&p, (uint32_t) m->spec.sectors);
	put_u32(&p, (uint32_t) m->nfeat);
	put_f64(&p, m->l2);
	for (int j = 0; j < m->nfeat; j++)
		put_f32(&p, m->mean[j]);
	for (int j = 0; j < m->nfeat; j++)
		put_f32(&p, m->scale[j]);
	for (int j = 0; j < m->nfeat; j++)
		put_f32(&p, m->w[j]);
	put_f32(&p, m->bias);
	put_u32(&p, (uint32_t) crc32(crc32(0L, Z_NULL, 0), buf, (uInt) (total - 4)));
	*len = total;
	return buf;
}

/* Check magic, version, lengths and checksum; *hlen gets the header length. */
static bool
read_preamble(const unsigned char *b, size_t len, uint32_t *hlen, sg_status *st)
{
	uint64_t	flen;
	uint32_t	stored,
				computed;

	if (len < BL_MIN_FILE)
	{
		sg_fail(st, SG_ERR_BINARY, "baseline file is truncated: %zu bytes, at least %d needed",
				len, BL_MIN_FILE);
		return false;
	}
	if (memcmp(b, BL_MAGIC, 8) != 0)
	{
		sg_fail(st, SG_ERR_BINARY, "bad magic: not an sglens baseline file (expected \"%s\")", BL_MAGIC);
		return false;
	}
	if (le32(b + 8) != BL_FORMAT_VERSION)
	{
		sg_fail(st, SG_ERR_BINARY, "unknown baseline format version %u (this build reads version %d)",
				le32(b + 8), BL_FORMAT_VERSION);
		return false;
	}
	*hlen = le32(b + 12);
	flen = (uint64_t) le32(b + 16) | (uint64_t) le32(b + 20) << 32;
	if (flen > SG_BASELINE_MAX_FILE || len > SG_BASELINE_MAX_FILE)
	{
		sg_fail(st, SG_ERR_LIMIT, "baseline file of %llu bytes is over the limit of %d",
				(unsigned long long) (flen > len ? flen : len), SG_BASELINE_MAX_FILE);
		return false;
	}
	if (len != flen)
	{
		if (len < flen)
			sg_fail(st, SG_ERR_BINARY, "baseline file is truncated: %zu bytes of %llu",
					len, (unsigned long long) flen);
		else
			sg_fail(st, SG_ERR_BINARY, "baseline file has %llu unexpected bytes after its checksum",
					(unsigned long long) (len - flen));
		return false;
	}
	stored = le32(b + len - 4);
	computed = (uint32_t) crc32(crc32(0L, Z_NULL, 0), b, (uInt) (len - 4));
	if (stored != computed)
	{
		sg_fail(st, SG_ERR_BINARY, "baseline file checksum mismatch (stored %08x, computed %08x): the file is corrupt",
				stored, computed);
		return false;
	}
	if (*hlen > len - BL_MIN_FILE)
	{
		sg_fail(st, SG_ERR_BINARY, "baseline file header length %u runs past the end of the file", *hlen);
		return false;
	}
	return true;
}

/* Parse the header into info, in_size, spec, nfeat and l2. */
static bool
read_header(reader *r, sg_nn_info *info, int *in_size, sg_baseline_spec *s,
			int *nfeat, double *l2)
{
	int			task,
				norm;

	memset(info, 0, sizeof(*info));
	if (!get_int(r, "task code", SG_NN_TASK_CLASSIFICATION, SG_NN_TASK_CLASSIFICATION, &task) ||
		!get_str(r, "model name", info->name, SG_NN_NAME_LEN) ||
		!get_str(r, "model version", info->version, SG_NN_VERSION_LEN) ||
		!get_int(r, "number of bands", 1, SG_NN_MAX_BANDS, &info->nbands))
		return false;
	info->task = task;
	for (int b = 0; b < info->nbands; b++)
		if (!get_str(r, "band name", info->bands[b], SG_BAND_NAME_LEN))
			return false;
	if (!get_int(r, "input size", 1, SG_NN_MAX_INPUT, in_size) ||
		!get_f64(r, &info->pixel_scale) ||
		!get_int(r, "normalisation code", SG_NN_NORM_NONE, SG_NN_NORM_NOISE, &norm) ||
		!get_int(r, "cell size", 1, 1024, &s->cell) ||
		!get_int(r, "orientation bins", 1, 1024, &s->bins) ||
		!get_int(r, "block size", 1, 1024, &s->block) ||
		!get_int(r, "rings", 1, 1024, &s->annuli) ||
		!get_int(r, "sectors", 1, 1024, &s->sectors) ||
		!get_int(r, "number of features", 1, SG_BASELINE_MAX_FEATURES, nfeat) ||
		!get_f64(r, l2))
		return false;
	info->norm = norm;
	return true;
}

/* Read n float32 values. */
static void
get_floats(reader *r, float *v, int n)
{
	for (int j = 0; j < n; j++)
	{
		uint32_t	u = le32(r->p + 4 * (size_t) j);

		memcpy(&v[j], &u, 4);
	}
	r->p += 4 * (size_t) n;
}

/* Decode an SGLBASE1 file. */
sg_baseline *
sg_baseline_read(const void *buf, size_t len, sg_status *st)
{
	const unsigned char *b = buf;
	uint32_t	hlen;
	reader		r;
	sg_nn_info	info;
	sg_baseline_spec spec;
	int			in_size,
				nfeat;
	double		l2;
	sg_baseline *m;

	if (!read_preamble(b, len, &hlen, st))
		return NULL;
	r.p = b + BL_PREAMBLE;
	r.end = r.p + hlen;
	r.what = "header";
	r.st = st;
	if (!read_header(&r, &info, &in_size, &spec, &nfeat, &l2))
		return NULL;
	if (r.p != r.end)
	{
		sg_fail(st, SG_ERR_BINARY, "baseline file header length %u does not match its fields (%zu bytes)",
				hlen, (size_t) (r.p - (b + BL_PREAMBLE)));
		return NULL;
	}
	if (!baseline_info_check(&info, st) ||
		!sg_baseline_spec_check(&spec, info.nbands, in_size, st))
		return NULL;
	if ((size_t) nfeat != sg_baseline_feature_count(&spec, info.nbands, in_size))
	{
		sg_fail(st, SG_ERR_VALUE, "baseline file has %d features but its feature spec gives %zu",
				nfeat, sg_baseline_feature_count(&spec, info.nbands, in_size));
		return NULL;
	}
	r.end = b + len - 4;
	r.what = "weights";
	if ((size_t) (r.end - r.p) != 4 * (3 * (size_t) nfeat + 1))
	{
		sg_fail(st, SG_ERR_BINARY, "baseline file holds %zu bytes of weights, %zu expected for %d features",
				(size_t) (r.end - r.p), 4 * (3 * (size_t) nfeat + 1), nfeat);
		return NULL;
	}
	m = baseline_alloc(&info, in_size, &spec, st);
	if (m == NULL)
		return NULL;
	m->l2 = l2;
	get_floats(&r, m->mean, nfeat);
	get_floats(&r, m->scale, nfeat);
	get_floats(&r, m->w, nfeat);
	get_floats(&r, &m->bias, 1);
	if (!check_vectors(m, st))
	{
		sg_baseline_free(m);
		return NULL;
	}
	return m;
}

/* Write a model file to path. */
bool
sg_baseline_save_file(const sg_baseline *m, const char *path, sg_status *st)
{
	size_t		len;
	void	   *buf = sg_baseline_write(m, &len, st);
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
		sg_fail(st, SG_ERR_IO, "could not write baseline file \"%s\"", path);
	return ok;
}

/* Read a model file from path. */
sg_baseline *
sg_baseline_load_file(const char *path, sg_status *st)
{
	FILE	   *f = fopen(path, "rb");
	long		size;
	unsigned char *buf = NULL;
	sg_baseline *m = NULL;

	if (f == NULL)
	{
		sg_fail(st, SG_ERR_IO, "could not open baseline file \"%s\"", path);
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0)
		sg_fail(st, SG_ERR_IO, "could not read baseline file \"%s\"", path);
	else if (size > SG_BASELINE_MAX_FILE)
		sg_fail(st, SG_ERR_LIMIT, "baseline file \"%s\" has %ld bytes, over the limit of %d",
				path, size, SG_BASELINE_MAX_FILE);
	else if ((buf = sg_malloc(size ? (size_t) size : 1)) == NULL)
		sg_fail(st, SG_ERR_NOMEM, "out of memory reading baseline file \"%s\"", path);
	else if (fread(buf, 1, (size_t) size, f) != (size_t) size)
		sg_fail(st, SG_ERR_IO, "could not read baseline file \"%s\"", path);
	else
		m = sg_baseline_read(buf, (size_t) size, st);
	fclose(f);
	sg_free(buf);
	return m;
}
