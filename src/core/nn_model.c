/*
 * nn_model.c — a model's life: its shell, buffer plans (one buffer per value
 * when training, shared buffers by lifetime for inference), deterministic
 * initialisation, creation, release and accessors.  The graph is built in
 * nn_graph.c, run in nn_pass.c and folded for inference in nn_fold.c.
 */
#include <math.h>
#include <string.h>

#include "sglens/alloc.h"
#include "sglens/rng.h"
#include "nn_internal.h"

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
void
nn_slots_release(nn_slots *sl)
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
	nn_slots_release(&m->train);
	nn_slots_release(&m->train_grad);
	nn_slots_release(&m->eval);
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
