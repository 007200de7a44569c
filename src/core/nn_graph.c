/*
 * nn_graph.c — a model's graph built from an sg_nn_spec: the spec's checks
 * and parameter count, values (activations), parameters and nodes (layers)
 * appended in execution order, and the residual network they make.
 */
#include <stdio.h>
#include <string.h>

#include "sglens/alloc.h"
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
nn_node
nn_node_of(nn_op op, int in)
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
int
nn_emit(sg_nn_model *m, nn_node *n, int c, int h, int w, sg_status *st)
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
	nn_node		n = nn_node_of(NN_CONV, in);
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
	return nn_emit(m, &n, cout, n.geom.hout, n.geom.wout, st);
}

/* Batch norm "name" then the activation; output value or -1. */
static int
emit_bn_act(sg_nn_model *m, const char *name, int in, sg_status *st)
{
	const nn_value *v = &m->values[in];
	nn_node		n = nn_node_of(NN_BN, in);
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
	if ((out = nn_emit(m, &n, c, h, w, st)) < 0)
	{
		sg_free(n.save);
		return -1;
	}
	n = nn_node_of(NN_ACT, out);
	n.act = m->spec.act;
	return nn_emit(m, &n, c, h, w, st);
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
	n = nn_node_of(NN_ADD, h);
	n.in[1] = sc;
	n.need_dx = true;
	return nn_emit(m, &n, cout, m->values[h].h, m->values[h].w, st);
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
		n = nn_node_of(NN_POOL, x);
		n.pool = s->stem_pool;
		x = nn_emit(m, &n, m->values[x].c, (m->values[x].h + 1) / 2,
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
		n = nn_node_of(NN_GAP, x);
		x = nn_emit(m, &n, m->values[x].c, 1, 1, st);
	}
	if (x < 0)
		return false;
	n = nn_node_of(NN_DENSE, x);
	dd[0] = s->n_outputs;
	dd[1] = m->values[x].c;
	if ((n.pw = nn_add_param(m, "head.dense.weight", 2, dd, true, true, st)) < 0 ||
		(n.pb = nn_add_param(m, "head.dense.bias", 1, dd, true, false, st)) < 0)
		return false;
	m->output = nn_emit(m, &n, s->n_outputs, 1, 1, st);
	return m->output >= 0;
}
