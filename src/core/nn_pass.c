/*
 * nn_pass.c — forward and backward passes of a model over a batch, node by
 * node over the planned buffers, honouring the caller's cancel callback.
 */
#include <string.h>

#include "sglens/alloc.h"
#include "nn_internal.h"

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
	nn_slots_release(sl);
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
	nn_slots_release(sl);
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
