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

#include "sglens/alloc.h"
#include "baseline_internal.h"
#include "binio.h"

#define BL_MAGIC "SGLBASE1"
#define BL_FORMAT_VERSION 1
#define BL_MAX_VALUE 1e9f		/* |mean|, |weight|, |bias| and scale at most */
#define BL_MIN_SCALE 1e-9f		/* scale at least */

/* A length-prefixed string of 1..cap−1 bytes (checked later by the info check). */
static bool
get_str(binio_reader *r, const char *name, char *buf, size_t cap)
{
	unsigned	n;

	if (!binio_get_str(r, name, buf, cap, &n))
		return false;
	if (strlen(buf) != n)
	{
		sg_fail(r->st, SG_ERR_VALUE, "baseline file %s holds a NUL byte", name);
		return false;
	}
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
				total = BINIO_PREAMBLE + hlen + 4 * (3 * (size_t) m->nfeat + 1) + 4;
	unsigned char *buf;
	binio_writer w;

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
	binio_put_preamble(&w, buf, BL_MAGIC, BL_FORMAT_VERSION, hlen, total);
	binio_put_u32(&w, (uint32_t) m->info.task);
	binio_put_str(&w, m->info.name);
	binio_put_str(&w, m->info.version);
	binio_put_u32(&w, (uint32_t) m->info.nbands);
	for (int b = 0; b < m->info.nbands; b++)
		binio_put_str(&w, m->info.bands[b]);
	binio_put_u32(&w, (uint32_t) m->in_size);
	binio_put_f64(&w, m->info.pixel_scale);
	binio_put_u32(&w, (uint32_t) m->info.norm);
	binio_put_u32(&w, (uint32_t) m->spec.cell);
	binio_put_u32(&w, (uint32_t) m->spec.bins);
	binio_put_u32(&w, (uint32_t) m->spec.block);
	binio_put_u32(&w, (uint32_t) m->spec.annuli);
	binio_put_u32(&w, (uint32_t) m->spec.sectors);
	binio_put_u32(&w, (uint32_t) m->nfeat);
	binio_put_f64(&w, m->l2);
	for (int j = 0; j < m->nfeat; j++)
		binio_put_f32(&w, m->mean[j]);
	for (int j = 0; j < m->nfeat; j++)
		binio_put_f32(&w, m->scale[j]);
	for (int j = 0; j < m->nfeat; j++)
		binio_put_f32(&w, m->w[j]);
	binio_put_f32(&w, m->bias);
	binio_put_crc(&w, buf);
	*len = total;
	return buf;
}

/* Parse the header into info, in_size, spec, nfeat and l2. */
static bool
read_header(binio_reader *r, sg_nn_info *info, int *in_size, sg_baseline_spec *s,
			int *nfeat, double *l2)
{
	int			task,
				norm;

	memset(info, 0, sizeof(*info));
	if (!binio_get_field(r, "task code", SG_NN_TASK_CLASSIFICATION, SG_NN_TASK_CLASSIFICATION, &task) ||
		!get_str(r, "model name", info->name, SG_NN_NAME_LEN) ||
		!get_str(r, "model version", info->version, SG_NN_VERSION_LEN) ||
		!binio_get_field(r, "number of bands", 1, SG_NN_MAX_BANDS, &info->nbands))
		return false;
	info->task = task;
	for (int b = 0; b < info->nbands; b++)
		if (!get_str(r, "band name", info->bands[b], SG_BAND_NAME_LEN))
			return false;
	if (!binio_get_field(r, "input size", 1, SG_NN_MAX_INPUT, in_size) ||
		!binio_get_f64(r, &info->pixel_scale) ||
		!binio_get_field(r, "normalisation code", SG_NN_NORM_NONE, SG_NN_NORM_NOISE, &norm) ||
		!binio_get_field(r, "cell size", 1, 1024, &s->cell) ||
		!binio_get_field(r, "orientation bins", 1, 1024, &s->bins) ||
		!binio_get_field(r, "block size", 1, 1024, &s->block) ||
		!binio_get_field(r, "rings", 1, 1024, &s->annuli) ||
		!binio_get_field(r, "sectors", 1, 1024, &s->sectors) ||
		!binio_get_field(r, "number of features", 1, SG_BASELINE_MAX_FEATURES, nfeat) ||
		!binio_get_f64(r, l2))
		return false;
	info->norm = norm;
	return true;
}

/* Decode an SGLBASE1 file. */
sg_baseline *
sg_baseline_read(const void *buf, size_t len, sg_status *st)
{
	const unsigned char *b = buf;
	uint32_t	hlen;
	binio_reader r;
	sg_nn_info	info;
	sg_baseline_spec spec;
	int			in_size,
				nfeat;
	double		l2;
	sg_baseline *m;

	if (!binio_read_preamble(b, len, BL_MAGIC, BL_FORMAT_VERSION, SG_BASELINE_MAX_FILE,
							 "baseline", &hlen, st))
		return NULL;
	binio_reader_init(&r, b + BINIO_PREAMBLE, b + BINIO_PREAMBLE + hlen, "baseline", "header", st);
	if (!read_header(&r, &info, &in_size, &spec, &nfeat, &l2))
		return NULL;
	if (r.p != r.end)
	{
		sg_fail(st, SG_ERR_BINARY, "baseline file header length %u does not match its fields (%zu bytes)",
				hlen, (size_t) (r.p - (b + BINIO_PREAMBLE)));
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
	if (!binio_get_f32s(&r, m->mean, nfeat) ||
		!binio_get_f32s(&r, m->scale, nfeat) ||
		!binio_get_f32s(&r, m->w, nfeat) ||
		!binio_get_f32s(&r, &m->bias, 1) ||
		!check_vectors(m, st))
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
	bool		ok;

	if (buf == NULL)
		return false;
	ok = binio_save_file(path, buf, len, "baseline", st);
	sg_free(buf);
	return ok;
}

/* Read a model file from path. */
sg_baseline *
sg_baseline_load_file(const char *path, sg_status *st)
{
	size_t		len;
	unsigned char *buf = binio_load_file(path, SG_BASELINE_MAX_FILE, "baseline", &len, st);
	sg_baseline *m;

	if (buf == NULL)
		return NULL;
	m = sg_baseline_read(buf, len, st);
	sg_free(buf);
	return m;
}
