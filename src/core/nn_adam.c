/*
 * nn_adam.c — the Adam optimiser (Kingma & Ba 2015) with bias correction
 * and optional decoupled weight decay (AdamW, Loshchilov & Hutter 2019)
 * on the parameters flagged for decay.
 */
#include <math.h>

#include "sglens/alloc.h"
#include "nn_internal.h"

struct sg_nn_adam
{
	sg_nn_adam_options opt;
	sg_nn_param *params;
	int			n;
	float	  **m;				/* first moment of each parameter */
	float	  **v;				/* second moment */
	long		t;
};

sg_nn_adam_options
sg_nn_adam_defaults(void)
{
	sg_nn_adam_options o = {1e-3f, 0.9f, 0.999f, 1e-8f, 0.0f};

	return o;
}

sg_nn_adam *
sg_nn_adam_new(sg_nn_param *params, int n, const sg_nn_adam_options *opt,
			   sg_status *st)
{
	sg_nn_adam *a;

	if (!(opt->lr > 0.0f) || !(opt->beta1 >= 0.0f && opt->beta1 < 1.0f) ||
		!(opt->beta2 >= 0.0f && opt->beta2 < 1.0f) || !(opt->eps > 0.0f) ||
		!(opt->weight_decay >= 0.0f))
	{
		sg_fail(st, SG_ERR_VALUE, "invalid Adam options (lr %g, beta1 %g, beta2 %g, eps %g, decay %g)",
				opt->lr, opt->beta1, opt->beta2, opt->eps, opt->weight_decay);
		return NULL;
	}
	a = sg_calloc(sizeof(sg_nn_adam));
	if (a == NULL || (a->m = sg_calloc(sizeof(float *) * (n ? n : 1))) == NULL ||
		(a->v = sg_calloc(sizeof(float *) * (n ? n : 1))) == NULL)
		goto nomem;
	a->opt = *opt;
	a->params = params;
	a->n = n;
	for (int i = 0; i < n; i++)
	{
		if (params[i].grad == NULL)
			continue;
		a->m[i] = nn_zalloc_floats(params[i].size);
		a->v[i] = nn_zalloc_floats(params[i].size);
		if (a->m[i] == NULL || a->v[i] == NULL)
			goto nomem;
	}
	return a;
nomem:
	sg_nn_adam_free(a);
	sg_fail(st, SG_ERR_NOMEM, "out of memory creating an Adam optimiser");
	return NULL;
}

void
sg_nn_adam_step(sg_nn_adam *a)
{
	const sg_nn_adam_options *o = &a->opt;
	float		b1 = o->beta1,
				b2 = o->beta2;
	float		bc1,
				bc2;

	a->t++;
	bc1 = (float) (1.0 - pow(b1, (double) a->t));
	bc2 = (float) (1.0 - pow(b2, (double) a->t));
	for (int i = 0; i < a->n; i++)
	{
		sg_nn_param *p = &a->params[i];
		float	   *m = a->m[i],
				   *v = a->v[i];
		float		decay = p->decay ? o->lr * o->weight_decay : 0.0f;

		if (p->grad == NULL)
			continue;
		for (size_t j = 0; j < p->size; j++)
		{
			float		g = p->grad[j];
			float		mh,
						vh;

			m[j] = b1 * m[j] + (1.0f - b1) * g;
			v[j] = b2 * v[j] + (1.0f - b2) * g * g;
			mh = m[j] / bc1;
			vh = v[j] / bc2;
			p->data[j] -= decay * p->data[j] + o->lr * mh / (sqrtf(vh) + o->eps);
		}
	}
}

long
sg_nn_adam_steps(const sg_nn_adam *a)
{
	return a->t;
}

void
sg_nn_adam_free(sg_nn_adam *a)
{
	if (a == NULL)
		return;
	for (int i = 0; a->m && i < a->n; i++)
		sg_free(a->m[i]);
	for (int i = 0; a->v && i < a->n; i++)
		sg_free(a->v[i]);
	sg_free(a->m);
	sg_free(a->v);
	sg_free(a);
}
