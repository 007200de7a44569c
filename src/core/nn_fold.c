/*
 * nn_fold.c — batch-norm folding for inference: a trained model becomes a
 * graph of convolutions with biases (each batch norm merged into the
 * convolution before it), its small-plane convolutions' weights packed.
 */
#include <stdio.h>
#include <string.h>

#include "sglens/alloc.h"
#include "nn_internal.h"

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
		nn_node		q = nn_node_of(n->op, map[n->in[0]]);
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

			if (nn_emit(f, &q, v->c, v->h, v->w, st) < 0)
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
