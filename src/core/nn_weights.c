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

#include "sglens/alloc.h"
#include "binio.h"
#include "nn_internal.h"

#define NN_MAGIC "SGLNNW01"
#define NN_FORMAT_VERSION 1

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
get_str(binio_reader *r, const char *name, char *buf, size_t cap, bool band)
{
	unsigned	n;

	if (!binio_get_str(r, name, buf, cap, &n))
		return false;
	for (unsigned i = 0; i < n; i++)
		if (!str_char_ok((unsigned char) buf[i], band))
		{
			sg_fail(r->st, SG_ERR_VALUE, "weights file %s holds a forbidden byte 0x%02x",
					name, (unsigned char) buf[i]);
			return false;
		}
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

int
sg_nn_input_planes(const sg_nn_info *info)
{
	return info->norm == SG_NN_NORM_MARKED ? info->nbands + 1 : info->nbands;
}

/* Check a model's metadata against its architecture. */
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
	if (sg_nn_input_planes(info) != spec->in_channels)
	{
		sg_fail(st, SG_ERR_VALUE, "model lists %d bands%s but its input has %d channels",
				info->nbands, info->norm == SG_NN_NORM_MARKED ? " and a lens marker" : "",
				spec->in_channels);
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
	if (info->norm != SG_NN_NORM_NONE && info->norm != SG_NN_NORM_NOISE &&
		info->norm != SG_NN_NORM_SUBTRACTED && info->norm != SG_NN_NORM_MARKED)
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
write_header(binio_writer *w, const sg_nn_info *info, const sg_nn_spec *s, int ntensors)
{
	binio_put_u32(w, (uint32_t) info->task);
	binio_put_str(w, info->name);
	binio_put_str(w, info->version);
	binio_put_u32(w, (uint32_t) info->nbands);
	for (int b = 0; b < info->nbands; b++)
		binio_put_str(w, info->bands[b]);
	binio_put_u32(w, (uint32_t) s->in_size);
	binio_put_f64(w, info->pixel_scale);
	binio_put_u32(w, (uint32_t) info->norm);
	binio_put_u32(w, (uint32_t) s->in_channels);
	binio_put_u32(w, (uint32_t) s->stem_channels);
	binio_put_u32(w, (uint32_t) s->stem_kernel);
	binio_put_u32(w, (uint32_t) s->stem_pool);
	binio_put_u32(w, (uint32_t) s->act);
	binio_put_u32(w, (uint32_t) s->n_outputs);
	binio_put_u32(w, (uint32_t) s->nstages);
	for (int i = 0; i < s->nstages; i++)
	{
		binio_put_u32(w, (uint32_t) s->stages[i].channels);
		binio_put_u32(w, (uint32_t) s->stages[i].units);
		binio_put_u32(w, s->stages[i].downsample ? 1 : 0);
	}
	binio_put_u32(w, (uint32_t) ntensors);
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

/* Encode a model and its metadata as an SGLNNW01 file in memory. */
void *
sg_nn_write(sg_nn_model *m, const sg_nn_info *info, size_t *len, sg_status *st)
{
	size_t		hlen,
				total;
	unsigned char *buf;
	binio_writer w;

	if (m->folded)
	{
		sg_fail(st, SG_ERR_VALUE, "a folded model cannot be saved; save the model it was folded from");
		return NULL;
	}
	if (!sg_nn_info_check(info, &m->spec, st) || !check_values(m, st))
		return NULL;
	hlen = header_size(info, &m->spec);
	total = BINIO_PREAMBLE + hlen + 4;
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
	binio_put_preamble(&w, buf, NN_MAGIC, NN_FORMAT_VERSION, hlen, total);
	write_header(&w, info, &m->spec, m->nparams);
	for (int i = 0; i < m->nparams; i++)
	{
		const sg_nn_param *p = &m->params[i];

		binio_put_str(&w, p->name);
		binio_put_u32(&w, (uint32_t) p->ndim);
		for (int d = 0; d < p->ndim; d++)
			binio_put_u32(&w, (uint32_t) p->dims[d]);
		for (size_t j = 0; j < p->size; j++)
			binio_put_f32(&w, p->data[j]);
	}
	binio_put_crc(&w, buf);
	*len = total;
	return buf;
}

/* Parse the header section into info and spec; *ntensors gets the count. */
static bool
read_header(binio_reader *r, sg_nn_info *info, sg_nn_spec *s, uint32_t *ntensors)
{
	int			task,
				norm,
				ds;
	char		what[48];

	memset(info, 0, sizeof(*info));
	memset(s, 0, sizeof(*s));
	if (!binio_get_code(r, "task code", SG_NN_TASK_CLASSIFICATION, SG_NN_TASK_REGRESSION, &task) ||
		!get_str(r, "model name", info->name, SG_NN_NAME_LEN, false) ||
		!get_str(r, "model version", info->version, SG_NN_VERSION_LEN, false) ||
		!binio_get_field(r, "number of bands", 1, SG_NN_MAX_BANDS, &info->nbands))
		return false;
	info->task = task;
	for (int b = 0; b < info->nbands; b++)
		if (!get_str(r, "band name", info->bands[b], SG_BAND_NAME_LEN, true))
			return false;
	if (!binio_get_field(r, "input size", 1, SG_NN_MAX_INPUT, &s->in_size) ||
		!binio_get_f64(r, &info->pixel_scale) ||
		!binio_get_code(r, "normalisation code", SG_NN_NORM_NONE, SG_NN_NORM_MARKED, &norm))
		return false;
	info->norm = norm;
	if (!binio_get_field(r, "input channels", 1, SG_NN_MAX_INPUT_PLANES, &s->in_channels) ||
		!binio_get_field(r, "stem channels", 1, SG_NN_MAX_CHANNELS, &s->stem_channels) ||
		!binio_get_field(r, "stem kernel", 1, SG_NN_MAX_KERNEL, &s->stem_kernel) ||
		!binio_get_code(r, "stem pooling code", SG_NN_POOL_NONE, SG_NN_POOL_AVG, &ds))
		return false;
	s->stem_pool = ds;
	if (!binio_get_code(r, "activation code", SG_NN_ACT_ELU, SG_NN_ACT_RELU, &ds))
		return false;
	s->act = ds;
	if (!binio_get_field(r, "number of outputs", 1, SG_NN_MAX_OUTPUTS, &s->n_outputs) ||
		!binio_get_field(r, "number of stages", 0, SG_NN_MAX_STAGES, &s->nstages))
		return false;
	for (int i = 0; i < s->nstages; i++)
	{
		snprintf(what, sizeof(what), "stage %d channels", i);
		if (!binio_get_field(r, what, 1, SG_NN_MAX_CHANNELS, &s->stages[i].channels))
			return false;
		snprintf(what, sizeof(what), "stage %d units", i);
		if (!binio_get_field(r, what, 1, SG_NN_MAX_UNITS, &s->stages[i].units))
			return false;
		snprintf(what, sizeof(what), "stage %d downsample flag", i);
		if (!binio_get_code(r, what, 0, 1, &ds))
			return false;
		s->stages[i].downsample = ds == 1;
	}
	return binio_get_u32(r, ntensors);
}

/* Read one tensor into parameter p, checking name, shape and values. */
static bool
read_tensor(binio_reader *r, int index, sg_nn_param *p)
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
	if (!binio_get_u32(r, &ndim))
		return false;
	if (ndim != (uint32_t) p->ndim)
	{
		sg_fail(r->st, SG_ERR_VALUE, "weights file tensor \"%s\" has %u dimensions, the architecture needs %d",
				name, ndim, p->ndim);
		return false;
	}
	for (int d = 0; d < p->ndim; d++)
	{
		if (!binio_get_u32(r, &dim))
			return false;
		if (dim != (uint32_t) p->dims[d])
		{
			sg_fail(r->st, SG_ERR_VALUE, "weights file tensor \"%s\" has size %u along dimension %d, the architecture needs %d",
					name, dim, d, p->dims[d]);
			return false;
		}
	}
	if (!binio_get_f32s(r, p->data, p->size))
		return false;
	is_var = dot && strcmp(dot, ".var") == 0;
	for (size_t j = 0; j < p->size; j++)
	{
		float		f = p->data[j];

		if (!isfinite(f) || (is_var && f < 0.0f))
		{
			sg_fail(r->st, SG_ERR_VALUE, "weights file tensor \"%s\" holds %s value at index %zu",
					name, isfinite(f) ? "a negative variance" : "a NaN or infinite", j);
			return false;
		}
	}
	return true;
}

/* Decode an SGLNNW01 file; info (if not NULL) gets its metadata. */
sg_nn_model *
sg_nn_read(const void *buf, size_t len, sg_nn_info *info, sg_status *st)
{
	const unsigned char *b = buf;
	sg_nn_info	inf;
	sg_nn_spec	spec;
	uint32_t	hlen,
				ntensors;
	binio_reader r;
	sg_nn_model *m;

	if (!binio_read_preamble(b, len, NN_MAGIC, NN_FORMAT_VERSION, SG_NN_MAX_FILE,
							 "weights", &hlen, st))
		return NULL;
	binio_reader_init(&r, b + BINIO_PREAMBLE, b + BINIO_PREAMBLE + hlen, "weights", "header", st);
	if (!read_header(&r, &inf, &spec, &ntensors))
		return NULL;
	if (r.p != r.end)
	{
		sg_fail(st, SG_ERR_BINARY, "weights file header length %u does not match its fields (%zu bytes)",
				hlen, (size_t) (r.p - (b + BINIO_PREAMBLE)));
		return NULL;
	}
	if (!sg_nn_spec_check(&spec, st) || !sg_nn_info_check(&inf, &spec, st))
		return NULL;
	/* the file must be able to hold the weights before they are allocated */
	if (sg_nn_spec_param_count(&spec) > (len - BINIO_PREAMBLE - hlen - 4) / 4)
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

/* Write a model and its metadata to a weights file at path. */
bool
sg_nn_save_file(sg_nn_model *m, const sg_nn_info *info, const char *path,
				sg_status *st)
{
	size_t		len;
	void	   *buf = sg_nn_write(m, info, &len, st);
	bool		ok;

	if (buf == NULL)
		return false;
	ok = binio_save_file(path, buf, len, "weights", st);
	sg_free(buf);
	return ok;
}

/* Read a weights file from path; info (if not NULL) gets its metadata. */
sg_nn_model *
sg_nn_load_file(const char *path, sg_nn_info *info, sg_status *st)
{
	size_t		len;
	unsigned char *buf = binio_load_file(path, SG_NN_MAX_FILE, "weights", &len, st);
	sg_nn_model *m;

	if (buf == NULL)
		return NULL;
	m = sg_nn_read(buf, len, info, st);
	sg_free(buf);
	return m;
}
