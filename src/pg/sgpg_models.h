/* sgpg_models.h — the model registry and the per-backend cache of loaded models. */
#ifndef SGLENS_SGPG_MODELS_H
#define SGLENS_SGPG_MODELS_H

#include "postgres.h"

#include "fmgr.h"

#include "sglens/image.h"
#include "sglens/nn.h"

typedef enum sgpg_model_kind
{
	SGPG_MODEL_CNN,				/* sglens weights file (nn.h) */
	SGPG_MODEL_BASELINE			/* classic baseline (baseline.h) */
} sgpg_model_kind;

/* A loaded model, kept for the life of the backend. */
typedef struct sgpg_model
{
	char		name[SG_NN_NAME_LEN];
	char		version[SG_NN_VERSION_LEN];
	sgpg_model_kind kind;
	sg_nn_info	info;			/* input spec */
	int			in_size;
	void	   *model;			/* sg_nn_model (folded) or sg_baseline */
} sgpg_model;

/* What a registered model is for (the registry's task column). */
typedef enum sgpg_task
{
	SGPG_TASK_FINDER,			/* 'finder': lens_score() */
	SGPG_TASK_MODELLER			/* 'modeller': lens_model() */
} sgpg_task;

/*
 * The model of a task to use for img: the named model (the given version,
 * else its default or newest version), or the task's default model whose
 * bands the stamp has and whose pixel scale it matches.  flinfo (the
 * calling function's) locates the registry's schema and keeps the call
 * site's last look-up for the rest of the statement.
 */
sgpg_model *sgpg_model_for(FmgrInfo *flinfo, sgpg_task task, const sg_image *img,
						   const char *name, const char *version);

/* Run fn(arg) with the cache's memory context current (model buffers live there). */
MemoryContext sgpg_model_context(void);

/* Polled by long core loops: true when a query cancel or backend termination is pending. */
bool		sgpg_should_stop(void *ctx);

#endif
