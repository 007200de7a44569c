/*
 * nn_model.c — a model as a small graph: values (activations) and nodes
 * (layers) in execution order, built from an sg_nn_spec; its parameters,
 * deterministic initialisation, buffer plans (one buffer per value when
 * training, shared buffers by lifetime for inference), forward and
 * backward passes over a batch, and batch-norm folding for inference.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sglens/alloc.h"
#include "sglens/rng.h"
#include "nn_internal.h"

/* Grow an array of elem-byte items to hold one more; false when out of memory. */
static bool
grow(void **arr, int *cap, int used, size_t elem, sg_status *st)
{
	void	   *p;
	int			ncap;

	if (used < *cap)
		return true;
	ncap = *cap ? *cap * 2 : 16;
	p = sg_realloc(*arr, (size_t) ncap * elem);
	if (p == NULL)
	{
		sg_fail(st, SG_ERR_NOMEM, "out of memory building a neural network");
		return false;
	}
	*arr = p;
	*cap = ncap;
	return true;
}

/* Fail unless lo <= v <= hi, naming the field. */
static bool
check_range(long v, long lo, long hi, const char *what, sg_status *st)
{
	if (v < lo || v > hi)
	{
		sg_fail(st, v > hi ? SG_ERR_LIMIT : SG_ERR_VALUE,
				"model %s %ld is out of range [%ld, %ld]", what, v, lo, hi);
		return false;
	}
	return true;
}

bool
sg_nn_spec_check(const sg_nn_spec *spec, sg_status *st)
{
	char		what[64];

	if (!check_range(spec->in_channels, 1, SG_NN_MAX_INPUT_PLANES, "input channels", st) ||
		!check_range(spec->in_size, 1, SG_NN_MAX_INPUT, "input size", st) ||
		!check_range(spec->stem_channels, 1, SG_NN_MAX_CHANNELS, "stem channels", st) ||
		!check_range(spec->stem_kernel, 1, SG_NN_MAX_KERNEL, "stem kernel", st) ||
		!check_range(spec->stem_pool, SG_NN_POOL_NONE, SG_NN_POOL_AVG, "stem pooling code", st) ||
		!check_range(spec->act, SG_NN_ACT_ELU, SG_NN_ACT_RELU, "activation code", st) ||
		!check_range(spec->nstages, 0, SG_NN_MAX_STAGES, "number of stages", st) ||
		!check_range(spec->n_outputs, 1, SG_NN_MAX_OUTPUTS, "number of outputs", st))
		return false;
	if (spec->stem_kernel % 2 == 0)
	{
		sg_fail(st, SG_ERR_VALUE, "model stem kernel %d is even (must be odd)",
				spec->stem_kernel);
		return false;
	}
	for (int s = 0; s < spec->nstages; s++)
	{
		snprintf(what, sizeof(what), "stage %d channels", s);
		if (!check_range(spec->stages[s].channels, 1, SG_NN_MAX_CHANNELS, what, st))
			return false;
		snprintf(what, sizeof(what), "stage %d units", s);
		if (!check_range(spec->stages[s].units, 1, SG_NN_MAX_UNITS, what, st))
			return false;
	}
	if (sg_nn_spec_param_count(spec) > SG_NN_MAX_PARAMS)
	{
		sg_fail(st, SG_ERR_LIMIT, "model has %zu weights, over the limit of %d",
				sg_nn_spec_param_count(spec), SG_NN_MAX_PARAMS);
		return false;
	}
	return true;
}

size_t
sg_nn_spec_param_count(const sg_nn_spec *spec)
{
	size_t		k = (size_t) spec->stem_kernel;
	size_t		c = (size_t) spec->stem_channels;
	size_t		n = c * spec->in_channels * k * k + c;

	for (int s = 0; s < spec->nstages; s++)
	{
		size_t		co = (size_t) spec->stages[s].channels;

		for (int u = 0; u < spec->stages[s].units; u++)
		{
			bool		proj = c != co || (u == 0 && spec->stages[s].downsample);

			n += 4 * c + co * c * 9 + 4 * co + co * co * 9 + co;
			if (proj)
				n += co * c + co;
			c = co;
		}
	}
	return n + 4 * c + (size_t) spec->n_outputs * c + spec->n_outputs;
}

sg_nn_model *
nn_model_alloc(const sg_nn_spec *spec, bool folded, sg_status *st)
{
	sg_nn_model *m = sg_calloc(sizeof(sg_nn_model));

	if (m == NULL)
	{
		sg_fail(st, SG_ERR_NOMEM, "out of memory creating a neural network");
		return NULL;
	}
	m->spec = *spec;
	m->folded = folded;
	m->output = -1;
	/* BLAS runs in the caller's thread only */
	openblas_set_num_threads(1);
	if (nn_add_value(m, spec->in_channels, spec->in_size, spec->in_size, st) != 0)
	{
		sg_nn_model_free(m);
		return NULL;
	}
	return m;
}

int
nn_add_value(sg_nn_model *m, int c, int h, int w, sg_status *st)
{
	nn_value   *v;

	if (!grow((void **) &m->values, &m->cap_values, m->nvalues, sizeof(nn_value), st))
		return -1;
	v = &m->values[m->nvalues];
	memset(v, 0, sizeof(*v));
	v->c = c;
	v->h = h;
	v->w = w;
	v->per = (size_t) c * h * w;
	v->slot_train = v->slot_eval = -1;
	return m->nvalues++;
}

int
nn_add_param(sg_nn_model *m, const char *name, int ndim, const int *dims,
			 bool trainable, bool decay, sg_status *st)
{
	sg_nn_param *p;

	if (!grow((void **) &m->params, &m->cap_params, m->nparams, sizeof(sg_nn_param), st))
		return -1;
	p = &m->params[m->nparams];
	nn_param_init(p, name, ndim, dims, decay);
	p->data = nn_zalloc_floats(p->size);
	if (trainable && p->data)
		p->grad = nn_zalloc_floats(p->size);
	if (p->data == NULL || (trainable && p->grad == NULL))
	{
		sg_free(p->data);
		sg_free(p->grad);
		sg_fail(st, SG_ERR_NOMEM, "out of memory allocating tensor %s", name);
		return -1;
	}
	return m->nparams++;
}

int
nn_add_node(sg_nn_model *m, const nn_node *node, sg_status *st)
{
	if (!grow((void **) &m->nodes, &m->cap_nodes, m->nnodes, sizeof(nn_node), st))
		return -1;
	m->nodes[m->nnodes] = *node;
	return m->nnodes++;
}

int
nn_find_param(const sg_nn_model *m, const char *name)
{
	for (int i = 0; i < m->nparams; i++)
		if (strcmp(m->params[i].name, name) == 0)
			return i;
	return -1;
}

/* A node with no parameters reading value in. */
static nn_node
node_of(nn_op op, int in)
{
	nn_node		n;

	memset(&n, 0, sizeof(n));
	n.op = op;
	n.in[0] = in;
	n.in[1] = -1;
	n.pw = n.pb = n.prm = n.prv = -1;
	n.need_dx = in != 0;
	return n;
}

/* Append node n producing a new value of shape c×h×w; the value id or -1. */
static int
emit(sg_nn_model *m, nn_node *n, int c, int h, int w, sg_status *st)
{
	n->out = nn_add_value(m, c, h, w, st);
	if (n->out < 0 || nn_add_node(m, n, st) < 0)
		return -1;
	return n->out;
}

/* Convolution layer "name" (weight, optional bias); output value or -1. */
static int
emit_conv(sg_nn_model *m, const char *name, int in, int cout, int k, int stride,
		  bool bias, sg_status *st)
{
	const nn_value *v = &m->values[in];
	nn_node		n = node_of(NN_CONV, in);
	char		pname[SG_NN_PARAM_NAME_LEN];
	int			wd[4] = {cout, v->c, k, k};

	n.geom = nn_conv_same(v->c, v->h, v->w, cout, k, stride);
	snprintf(pname, sizeof(pname), "%s.weight", name);
	if ((n.pw = nn_add_param(m, pname, 4, wd, true, true, st)) < 0)
		return -1;
	if (bias)
	{
		snprintf(pname, sizeof(pname), "%s.bias", name);
		if ((n.pb = nn_add_param(m, pname, 1, &cout, true, false, st)) < 0)
			return -1;
	}
	return emit(m, &n, cout, n.geom.hout, n.geom.wout, st);
}

/* Batch norm "name" then the activation; output value or -1. */
static int
emit_bn_act(sg_nn_model *m, const char *name, int in, sg_status *st)
{
	const nn_value *v = &m->values[in];
	nn_node		n = node_of(NN_BN, in);
	char		pname[SG_NN_PARAM_NAME_LEN];
	static const char *const part[4] = {"gamma", "beta", "mean", "var"};
	int			idx[4];
	int			c = v->c,
				h = v->h,
				w = v->w,
				out;

	for (int i = 0; i < 4; i++)
	{
		snprintf(pname, sizeof(pname), "%s.%s", name, part[i]);
		if ((idx[i] = nn_add_param(m, pname, 1, &c, i < 2, false, st)) < 0)
			return -1;
	}
	n.pw = idx[0];
	n.pb = idx[1];
	n.prm = idx[2];
	n.prv = idx[3];
	n.save = nn_alloc_floats(2 * (size_t) c);
	if (n.save == NULL)
	{
		sg_fail(st, SG_ERR_NOMEM, "out of memory building a neural network");
		return -1;
	}
	if ((out = emit(m, &n, c, h, w, st)) < 0)
	{
		sg_free(n.save);
		return -1;
	}
	n = node_of(NN_ACT, out);
	n.act = m->spec.act;
	return emit(m, &n, c, h, w, st);
}

/* One pre-activation residual unit; output value or -1. */
static int
emit_unit(sg_nn_model *m, const char *prefix, int x, int cout, int stride,
		  sg_status *st)
{
	char		name[SG_NN_PARAM_NAME_LEN];
	int			a,
				h,
				sc = x;
	nn_node		n;

	snprintf(name, sizeof(name), "%s.bn1", prefix);
	if ((a = emit_bn_act(m, name, x, st)) < 0)
		return -1;
	snprintf(name, sizeof(name), "%s.conv1", prefix);
	if ((h = emit_conv(m, name, a, cout, 3, stride, false, st)) < 0)
		return -1;
	snprintf(name, sizeof(name), "%s.bn2", prefix);
	if ((h = emit_bn_act(m, name, h, st)) < 0)
		return -1;
	snprintf(name, sizeof(name), "%s.conv2", prefix);
	if ((h = emit_conv(m, name, h, cout, 3, 1, true, st)) < 0)
		return -1;
	if (stride != 1 || m->values[x].c != cout)
	{
		snprintf(name, sizeof(name), "%s.proj", prefix);
		if ((sc = emit_conv(m, name, a, cout, 1, stride, true, st)) < 0)
			return -1;
	}
	n = node_of(NN_ADD, h);
	n.in[1] = sc;
	n.need_dx = true;
	return emit(m, &n, cout, m->values[h].h, m->values[h].w, st);
}

bool
nn_build_graph(sg_nn_model *m, sg_status *st)
{
	const sg_nn_spec *s = &m->spec;
	char		name[24];
	int			x,
				dd[2];
	nn_node		n;

	x = emit_conv(m, "stem.conv", 0, s->stem_channels, s->stem_kernel, 1, true, st);
	if (x >= 0 && s->stem_pool != SG_NN_POOL_NONE)
	{
		n = node_of(NN_POOL, x);
		n.pool = s->stem_pool;
		x = emit(m, &n, m->values[x].c, (m->values[x].h + 1) / 2,
				 (m->values[x].w + 1) / 2, st);
	}
	for (int i = 0; x >= 0 && i < s->nstages; i++)
		for (int u = 0; x >= 0 && u < s->stages[i].units; u++)
		{
			snprintf(name, sizeof(name), "s%d.u%d", i, u);
			x = emit_unit(m, name, x, s->stages[i].channels,
						  u == 0 && s->stages[i].downsample ? 2 : 1, st);
		}
	if (x >= 0)
		x = emit_bn_act(m, "head.bn", x, st);
	if (x >= 0)
	{
		n = node_of(NN_GAP, x);
		x = emit(m, &n, m->values[x].c, 1, 1, st);
	}
	if (x < 0)
		return false;
	n = node_of(NN_DENSE, x);
	dd[0] = s->n_outputs;
	dd[1] = m->values[x].c;
	if ((n.pw = nn_add_param(m, "head.dense.weight", 2, dd, true, true, st)) < 0 ||
		(n.pb = nn_add_param(m, "head.dense.bias", 1, dd, true, false, st)) < 0)
		return false;
	m->output = emit(m, &n, s->n_outputs, 1, 1, st);
	return m->output >= 0;
}

/* Take a free eval slot for per floats (best fit, else grow, else new). */
static int
take_slot(sg_nn_model *m, bool *busy, size_t per, sg_status *st)
{
	nn_slots   *sl = &m->eval;
	int			best = -1,
				big = -1;

	for (int i = 0; i < sl->n; i++)
	{
		if (busy[i])
			continue;
		if (sl->per[i] >= per && (best < 0 || sl->per[i] < sl->per[best]))
			best = i;
		if (big < 0 || sl->per[i] > sl->per[big])
			big = i;
	}
	if (best < 0 && big >= 0)
	{
		best = big;
		sl->per[best] = per;
	}
	if (best < 0)
	{
		size_t	   *p = sg_realloc(sl->per, sizeof(size_t) * (sl->n + 1));

		if (p == NULL)
		{
			sg_fail(st, SG_ERR_NOMEM, "out of memory planning a neural network");
			return -1;
		}
		sl->per = p;
		best = sl->n++;
		sl->per[best] = per;
	}
	busy[best] = true;
	return best;
}

bool
nn_plan(sg_nn_model *m, sg_status *st)
{
	bool	   *busy;
	int			nv = m->nvalues;

	for (int v = 0; v < nv; v++)
		m->values[v].last_use = v == m->output ? m->nnodes : -1;
	for (int i = 0; i < m->nnodes; i++)
		for (int j = 0; j < 2; j++)
			if (m->nodes[i].in[j] >= 0)
				m->values[m->nodes[i].in[j]].last_use = i;
	/* training: one buffer per value, the input's copy included */
	m->train.per = sg_malloc(sizeof(size_t) * nv);
	m->train_grad.per = sg_malloc(sizeof(size_t) * nv);
	busy = sg_calloc(sizeof(bool) * nv);
	if (m->train.per == NULL || m->train_grad.per == NULL || busy == NULL)
	{
		sg_free(busy);
		sg_fail(st, SG_ERR_NOMEM, "out of memory planning a neural network");
		return false;
	}
	for (int v = 0; v < nv; v++)
	{
		m->values[v].slot_train = v;
		m->train.per[v] = m->train_grad.per[v] = m->values[v].per;
	}
	m->train.n = m->train_grad.n = nv;
	/* inference: a value's buffer is reused once its last reader ran */
	for (int i = 0; i < m->nnodes; i++)
	{
		const nn_node *n = &m->nodes[i];
		int			s = take_slot(m, busy, m->values[n->out].per, st);

		if (s < 0)
		{
			sg_free(busy);
			return false;
		}
		m->values[n->out].slot_eval = s;
		for (int j = 0; j < 2; j++)
		{
			int			in = n->in[j];

			if (in > 0 && m->values[in].last_use == i && m->values[in].slot_eval >= 0)
				busy[m->values[in].slot_eval] = false;
		}
	}
	sg_free(busy);
	for (int i = 0; i < m->nnodes; i++)
	{
		size_t		c = m->nodes[i].op == NN_CONV ? nn_conv_work_size(&m->nodes[i].geom) : 0;

		m->col_size = c > m->col_size ? c : m->col_size;
	}
	return true;
}

void
nn_init_weights(sg_nn_model *m, uint64_t seed)
{
	for (int i = 0; i < m->nparams; i++)
	{
		sg_nn_param *p = &m->params[i];
		const char *dot = strrchr(p->name, '.');
		sg_rng		rng;

		sg_rng_seed(&rng, seed, (uint64_t) i);
		if (dot && strcmp(dot, ".weight") == 0)
		{
			/* He normal for convolutions, 1/fan_in variance for the dense head */
			double		fan_in = (double) p->size / p->dims[0];
			double		sd = sqrt((p->ndim == 4 ? 2.0 : 1.0) / fan_in);

			for (size_t j = 0; j < p->size; j++)
				p->data[j] = (float) (sd * sg_rng_normal(&rng));
		}
		else
		{
			float		v = dot && (strcmp(dot, ".gamma") == 0 || strcmp(dot, ".var") == 0);

			for (size_t j = 0; j < p->size; j++)
				p->data[j] = v;
		}
	}
}

sg_nn_model *
sg_nn_model_new(const sg_nn_spec *spec, uint64_t seed, sg_status *st)
{
	sg_nn_model *m;

	if (!sg_nn_spec_check(spec, st))
		return NULL;
	m = nn_model_alloc(spec, false, st);
	if (m == NULL)
		return NULL;
	if (!nn_build_graph(m, st) || !nn_plan(m, st))
	{
		sg_nn_model_free(m);
		return NULL;
	}
	nn_init_weights(m, seed);
	return m;
}

/* Release a plan's buffers (keeping its layout). */
static void
slots_release(nn_slots *sl)
{
	if (sl->buf)
		for (int i = 0; i < sl->n; i++)
			sg_free(sl->buf[i]);
	sg_free(sl->buf);
	sl->buf = NULL;
	sl->batch = 0;
}

void
sg_nn_model_free(sg_nn_model *m)
{
	if (m == NULL)
		return;
	for (int i = 0; i < m->nparams; i++)
	{
		sg_free(m->params[i].data);
		sg_free(m->params[i].grad);
	}
	for (int i = 0; i < m->nnodes; i++)
	{
		sg_free(m->nodes[i].save);
		sg_free(m->nodes[i].packed);
	}
	slots_release(&m->train);
	slots_release(&m->train_grad);
	slots_release(&m->eval);
	sg_free(m->train.per);
	sg_free(m->train_grad.per);
	sg_free(m->eval.per);
	sg_free(m->col);
	sg_free(m->params);
	sg_free(m->nodes);
	sg_free(m->values);
	sg_free(m);
}

const sg_nn_spec *
sg_nn_model_spec(const sg_nn_model *m)
{
	return &m->spec;
}

bool
sg_nn_model_is_folded(const sg_nn_model *m)
{
	return m->folded;
}

sg_nn_param *
sg_nn_model_params(sg_nn_model *m, int *n)
{
	*n = m->nparams;
	return m->params;
}

void
sg_nn_model_set_should_stop(sg_nn_model *m, sg_nn_should_stop fn, void *ctx)
{
	m->should_stop = fn;
	m->stop_ctx = ctx;
}

size_t
sg_nn_model_work_bytes(const sg_nn_model *m)
{
	const nn_slots *all[3] = {&m->train, &m->train_grad, &m->eval};
	size_t		b = m->col ? m->col_size * sizeof(float) : 0;

	for (int k = 0; k < 3; k++)
		for (int i = 0; all[k]->buf && i < all[k]->n; i++)
			b += all[k]->per[i] * all[k]->batch * sizeof(float);
	return b;
}

double
sg_nn_model_flops(const sg_nn_model *m)
{
	double		f = 0.0;

	for (int i = 0; i < m->nnodes; i++)
	{
		const nn_node *n = &m->nodes[i];

		if (n->op == NN_CONV)
			f += 2.0 * n->geom.cout * n->geom.cin * n->geom.k * n->geom.k *
				n->geom.hout * n->geom.wout;
		else if (n->op == NN_DENSE)
			f += 2.0 * m->values[n->in[0]].c * m->values[n->out].c;
	}
	return f;
}

bool
nn_check_stop(sg_nn_model *m, sg_status *st)
{
	if (m->should_stop && m->should_stop(m->stop_ctx))
	{
		sg_fail(st, SG_ERR_CANCELLED, "neural network pass cancelled by the caller");
		return false;
	}
	return true;
}

/* Make every buffer of a plan hold batch samples. */
static bool
slots_reserve(nn_slots *sl, int batch, sg_status *st)
{
	if (sl->batch >= batch)
		return true;
	slots_release(sl);
	sl->buf = sg_calloc(sizeof(float *) * (sl->n ? sl->n : 1));
	if (sl->buf == NULL)
		goto nomem;
	for (int i = 0; i < sl->n; i++)
	{
		if (sl->per[i] > SIZE_MAX / sizeof(float) / (size_t) batch ||
			(sl->buf[i] = nn_alloc_floats(sl->per[i] * batch)) == NULL)
			goto nomem;
	}
	sl->batch = batch;
	return true;
nomem:
	slots_release(sl);
	sg_fail(st, SG_ERR_NOMEM, "out of memory for neural network activations (batch %d)",
			batch);
	return false;
}

/* The buffer of value v in plan sl (in inference, value 0 is the input x). */
static float *
value_ptr(const sg_nn_model *m, const nn_slots *sl, bool training, int v,
		  const float *x)
{
	if (training)
		return sl->buf[m->values[v].slot_train];
	if (v == 0)
		return (float *) x;
	return sl->buf[m->values[v].slot_eval];
}

/* Run node i forward. */
static void
node_forward(sg_nn_model *m, const nn_node *n, const nn_slots *sl,
			 bool training, int batch, const float *x)
{
	const nn_value *vi = &m->values[n->in[0]];
	const float *in = value_ptr(m, sl, training, n->in[0], x);
	float	   *out = value_ptr(m, sl, training, n->out, x);
	sg_nn_param *p = m->params;
	int			hw = vi->h * vi->w;

	switch (n->op)
	{
		case NN_CONV:
			nn_conv_forward_packed(&n->geom, batch, in, p[n->pw].data, n->packed,
								   n->pb >= 0 ? p[n->pb].data : NULL, n->act, out, m->col);
			break;
		case NN_BN:
			if (training)
				nn_bn_forward_train(batch, vi->c, hw, in, p[n->pw].data, p[n->pb].data,
									out, n->save, n->save + vi->c,
									p[n->prm].data, p[n->prv].data);
			else
				nn_bn_forward_eval(batch, vi->c, hw, in, p[n->pw].data, p[n->pb].data,
								   p[n->prm].data, p[n->prv].data, out);
			break;
		case NN_ACT:
			nn_act_forward(n->act, vi->per * batch, in, out);
			break;
		case NN_AFFINE:
			nn_affine_forward(batch, vi->c, hw, in, p[n->pw].data, p[n->pb].data,
							  n->act, out);
			break;
		case NN_ADD:
			nn_add_forward(vi->per * batch, in,
						   value_ptr(m, sl, training, n->in[1], x), out);
			break;
		case NN_POOL:
			nn_pool_forward(n->pool, batch, vi->c, vi->h, vi->w, in, out);
			break;
		case NN_GAP:
			nn_gap_forward(batch, vi->c, hw, in, out);
			break;
		case NN_DENSE:
			nn_dense_forward(batch, vi->c, m->values[n->out].c, in, p[n->pw].data,
							 p[n->pb].data, out);
			break;
	}
}

bool
sg_nn_forward(sg_nn_model *m, const float *x, int batch, bool training,
			  float *out, sg_status *st)
{
	nn_slots   *sl = training ? &m->train : &m->eval;

	if (batch < 1)
	{
		sg_fail(st, SG_ERR_VALUE, "batch size %d must be positive", batch);
		return false;
	}
	if (training && m->folded)
	{
		sg_fail(st, SG_ERR_VALUE, "a folded (inference-only) model cannot be trained");
		return false;
	}
	if (!slots_reserve(sl, batch, st))
		return false;
	if (m->col == NULL && m->col_size > 0 &&
		(m->col = nn_alloc_floats(m->col_size)) == NULL)
	{
		sg_fail(st, SG_ERR_NOMEM, "out of memory for the convolution workspace");
		return false;
	}
	if (training)
	{
		m->trained_batch = 0;
		memcpy(sl->buf[0], x, sizeof(float) * m->values[0].per * batch);
	}
	for (int i = 0; i < m->nnodes; i++)
	{
		if (!nn_check_stop(m, st))
			return false;
		node_forward(m, &m->nodes[i], sl, training, batch, x);
	}
	memcpy(out, value_ptr(m, sl, training, m->output, x),
		   sizeof(float) * m->values[m->output].per * batch);
	if (training)
		m->trained_batch = batch;
	return true;
}

/* Run node i backward (value buffers of the training plan). */
static void
node_backward(sg_nn_model *m, const nn_node *n, int batch)
{
	const nn_value *vi = &m->values[n->in[0]];
	int			s0 = vi->slot_train;
	const float *in = m->train.buf[s0];
	float	   *din = n->need_dx ? m->train_grad.buf[s0] : NULL;
	const float *out = m->train.buf[m->values[n->out].slot_train];
	const float *dy = m->train_grad.buf[m->values[n->out].slot_train];
	sg_nn_param *p = m->params;
	int			hw = vi->h * vi->w;

	switch (n->op)
	{
		case NN_CONV:
			nn_conv_backward(&n->geom, batch, in, p[n->pw].data, dy,
							 p[n->pw].grad, n->pb >= 0 ? p[n->pb].grad : NULL, din, m->col);
			break;
		case NN_BN:
			nn_bn_backward(batch, vi->c, hw, in, p[n->pw].data, n->save, n->save + vi->c,
						   dy, p[n->pw].grad, p[n->pb].grad, din);
			break;
		case NN_ACT:
			nn_act_backward(n->act, vi->per * batch, out, dy, din);
			break;
		case NN_ADD:
			nn_act_backward(SG_NN_ACT_NONE, vi->per * batch, NULL, dy, din);
			nn_act_backward(SG_NN_ACT_NONE, vi->per * batch, NULL, dy,
							m->train_grad.buf[m->values[n->in[1]].slot_train]);
			break;
		case NN_POOL:
			nn_pool_backward(n->pool, batch, vi->c, vi->h, vi->w, in, out, dy, din);
			break;
		case NN_GAP:
			nn_gap_backward(batch, vi->c, hw, dy, din);
			break;
		case NN_DENSE:
			nn_dense_backward(batch, vi->c, m->values[n->out].c, in, p[n->pw].data, dy,
							  p[n->pw].grad, p[n->pb].grad, din);
			break;
		case NN_AFFINE:
			break;				/* folded models are never trained */
	}
}

bool
sg_nn_backward(sg_nn_model *m, const float *dout, sg_status *st)
{
	int			batch = m->trained_batch;

	if (m->folded)
	{
		sg_fail(st, SG_ERR_VALUE, "a folded (inference-only) model cannot be trained");
		return false;
	}
	if (batch == 0)
	{
		sg_fail(st, SG_ERR_VALUE, "backward pass without a training forward pass");
		return false;
	}
	if (!slots_reserve(&m->train_grad, batch, st))
		return false;
	for (int v = 0; v < m->nvalues; v++)
		memset(m->train_grad.buf[v], 0, sizeof(float) * m->values[v].per * batch);
	memcpy(m->train_grad.buf[m->output], dout,
		   sizeof(float) * m->values[m->output].per * batch);
	for (int i = m->nnodes - 1; i >= 0; i--)
	{
		if (!nn_check_stop(m, st))
			return false;
		node_backward(m, &m->nodes[i], batch);
	}
	return true;
}

/* Copy tensor src into model f under name (no gradient); its index or -1. */
static int
copy_param(sg_nn_model *f, const sg_nn_param *src, const char *name,
		   sg_status *st)
{
	int			i = nn_add_param(f, name, src->ndim, src->dims, false, src->decay, st);

	if (i >= 0)
		memcpy(f->params[i].data, src->data, sizeof(float) * src->size);
	return i;
}

/* Name prefix of a parameter (its name up to the last dot). */
static void
param_prefix(const sg_nn_param *p, char *buf, size_t len)
{
	const char *dot = strrchr(p->name, '.');
	size_t		n = dot ? (size_t) (dot - p->name) : strlen(p->name);

	snprintf(buf, len, "%.*s", (int) n, p->name);
}

/* The folded node (parameters added to f) for conv n, optionally with bn. */
static bool
fold_conv(sg_nn_model *f, const sg_nn_model *m, const nn_node *n,
		  const nn_node *bn, nn_node *q, sg_status *st)
{
	const sg_nn_param *w = &m->params[n->pw];
	char		prefix[SG_NN_PARAM_NAME_LEN],
				name[SG_NN_PARAM_NAME_LEN + 8];
	int			co = n->geom.cout;
	size_t		per = w->size / co;
	float	   *wd,
			   *bd;

	param_prefix(w, prefix, sizeof(prefix));
	if ((q->pw = copy_param(f, w, w->name, st)) < 0)
		return false;
	snprintf(name, sizeof(name), "%s.bias", prefix);
	if ((q->pb = nn_add_param(f, name, 1, &co, false, false, st)) < 0)
		return false;
	wd = f->params[q->pw].data;
	bd = f->params[q->pb].data;
	for (int c = 0; c < co; c++)
		bd[c] = n->pb >= 0 ? m->params[n->pb].data[c] : 0.0f;
	if (bn)
	{
		const sg_nn_param *p = m->params;

		for (int c = 0; c < co; c++)
		{
			float		scale,
						shift;

			nn_bn_fold(1, p[bn->pw].data + c, p[bn->pb].data + c,
					   p[bn->prm].data + c, p[bn->prv].data + c, &scale, &shift);
			for (size_t j = 0; j < per; j++)
				wd[c * per + j] *= scale;
			bd[c] = bd[c] * scale + shift;
		}
	}
	return true;
}

/* The affine node (parameters added to f) replacing batch norm n. */
static bool
fold_bn(sg_nn_model *f, const sg_nn_model *m, const nn_node *n, nn_node *q,
		sg_status *st)
{
	const sg_nn_param *p = m->params;
	char		prefix[SG_NN_PARAM_NAME_LEN],
				name[SG_NN_PARAM_NAME_LEN + 8];
	int			c = (int) p[n->pw].size;

	param_prefix(&p[n->pw], prefix, sizeof(prefix));
	q->op = NN_AFFINE;
	snprintf(name, sizeof(name), "%s.scale", prefix);
	if ((q->pw = nn_add_param(f, name, 1, &c, false, false, st)) < 0)
		return false;
	snprintf(name, sizeof(name), "%s.shift", prefix);
	if ((q->pb = nn_add_param(f, name, 1, &c, false, false, st)) < 0)
		return false;
	nn_bn_fold(c, p[n->pw].data, p[n->pb].data, p[n->prm].data, p[n->prv].data,
			   f->params[q->pw].data, f->params[q->pb].data);
	return true;
}

/* Node i+1 when it is of type op, reads only node i's output, and is its sole reader. */
static const nn_node *
sole_successor(const sg_nn_model *m, int i, nn_op op)
{
	const nn_node *n;

	if (i + 1 >= m->nnodes)
		return NULL;
	n = &m->nodes[i + 1];
	if (n->op != op || n->in[0] != m->nodes[i].out ||
		m->values[m->nodes[i].out].last_use != i + 1)
		return NULL;
	return n;
}

/* Translate the source graph of m into the folded graph of f. */
static bool
fold_graph(sg_nn_model *f, const sg_nn_model *m, int *map, sg_status *st)
{
	for (int i = 0; i < m->nnodes;)
	{
		const nn_node *n = &m->nodes[i];
		const nn_node *bn = NULL,
				   *act = NULL;
		nn_node		q = node_of(n->op, map[n->in[0]]);
		int			last = i;
		bool		ok = true;

		q.in[1] = n->in[1] >= 0 ? map[n->in[1]] : -1;
		q.geom = n->geom;
		q.pool = n->pool;
		q.act = n->act;
		q.need_dx = false;
		if (n->op == NN_CONV && (bn = sole_successor(m, i, NN_BN)) != NULL)
			last++;
		if ((n->op == NN_CONV && bn) || n->op == NN_BN)
		{
			if ((act = sole_successor(m, last, NN_ACT)) != NULL)
				last++;
			q.act = act ? act->act : SG_NN_ACT_NONE;
		}
		if (n->op == NN_CONV)
			ok = fold_conv(f, m, n, bn, &q, st);
		else if (n->op == NN_BN)
			ok = fold_bn(f, m, n, &q, st);
		else if (n->op == NN_DENSE)
			ok = (q.pw = copy_param(f, &m->params[n->pw], m->params[n->pw].name, st)) >= 0 &&
				(q.pb = copy_param(f, &m->params[n->pb], m->params[n->pb].name, st)) >= 0;
		if (!ok)
			return false;
		{
			const nn_value *v = &m->values[m->nodes[last].out];

			if (emit(f, &q, v->c, v->h, v->w, st) < 0)
				return false;
		}
		map[m->nodes[last].out] = q.out;
		i = last + 1;
	}
	f->output = map[m->output];
	return true;
}

/* The folded model's small-plane convolutions get their weights packed for nn_conv_small.c. */
static bool
pack_small_convs(sg_nn_model *f, sg_status *st)
{
	for (int i = 0; i < f->nnodes; i++)
	{
		nn_node    *n = &f->nodes[i];

		if (n->op != NN_CONV || !nn_conv_small_fits(&n->geom))
			continue;
		n->packed = nn_conv_small_pack(&n->geom, f->params[n->pw].data);
		if (n->packed == NULL)
		{
			sg_fail(st, SG_ERR_NOMEM, "out of memory packing convolution weights");
			return false;
		}
	}
	return true;
}

sg_nn_model *
sg_nn_model_fold(const sg_nn_model *m, sg_status *st)
{
	sg_nn_model *f;
	int		   *map;

	if (m->folded)
	{
		sg_fail(st, SG_ERR_VALUE, "model is already folded");
		return NULL;
	}
	f = nn_model_alloc(&m->spec, true, st);
	map = sg_malloc(sizeof(int) * m->nvalues);
	if (f == NULL || map == NULL)
	{
		sg_fail(st, SG_ERR_NOMEM, "out of memory folding a neural network");
		sg_nn_model_free(f);
		sg_free(map);
		return NULL;
	}
	for (int v = 0; v < m->nvalues; v++)
		map[v] = v == 0 ? 0 : -1;
	if (!fold_graph(f, m, map, st) || !nn_plan(f, st) || !pack_small_convs(f, st))
	{
		sg_nn_model_free(f);
		f = NULL;
	}
	sg_free(map);
	return f;
}
