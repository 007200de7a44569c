/*
 * model_cache.c — model registry look-ups and the per-backend cache of loaded
 * models.  A registered (name, version) never changes, so a cached model
 * stays valid; which version is the default is looked up in the registry
 * for every statement, so a change of default takes effect at once in every
 * backend.  Within one statement (one snapshot) a call site remembers its
 * last look-up, since the registry it sees cannot change.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"

#include "pg_core.h"
#include "sglens/baseline.h"
#include "sglens/nn_input.h"
#include "sgpg_models.h"

#define CACHE_MAX 16

static MemoryContext cache_context = NULL;
static sgpg_model *cache[CACHE_MAX];
static int	ncached = 0;

MemoryContext
sgpg_model_context(void)
{
	if (cache_context == NULL)
		cache_context = AllocSetContextCreate(TopMemoryContext, "sglens model cache",
											  ALLOCSET_DEFAULT_SIZES);
	return cache_context;
}

bool
sgpg_should_stop(void *ctx)
{
	/* only a real cancel or termination: InterruptPending is also set by
	 * harmless interrupts such as parallel workers' messages to the leader */
	return QueryCancelPending || ProcDiePending;
}

/* The cached model (name, version), or NULL. */
static sgpg_model *
cache_find(const char *name, const char *version)
{
	for (int i = 0; i < ncached; i++)
		if (strcmp(cache[i]->name, name) == 0 && strcmp(cache[i]->version, version) == 0)
			return cache[i];
	return NULL;
}

/* Load model bytes into a cache entry (in the cache context). */
static sgpg_model *
load_model(const char *name, const char *version, bytea *weights)
{
	MemoryContext old = MemoryContextSwitchTo(sgpg_model_context());
	sgpg_model *e = palloc0(sizeof(sgpg_model));
	const char *data = VARDATA_ANY(weights);
	size_t		len = VARSIZE_ANY_EXHDR(weights);
	sg_status	st;

	sg_status_clear(&st);
	strlcpy(e->name, name, sizeof(e->name));
	strlcpy(e->version, version, sizeof(e->version));
	if (len >= 8 && memcmp(data, "SGLBASE1", 8) == 0)
	{
		e->kind = SGPG_MODEL_BASELINE;
		e->model = sg_baseline_read(data, len, &st);
		if (e->model)
		{
			e->info = *sg_baseline_info(e->model);
			e->in_size = sg_baseline_in_size(e->model);
		}
	}
	else
	{
		sg_nn_model *trained = sg_nn_read(data, len, &e->info, &st);

		e->kind = SGPG_MODEL_CNN;
		if (trained)
		{
			e->model = sg_nn_model_fold(trained, &st);
			e->in_size = sg_nn_model_spec(trained)->in_size;
			sg_nn_model_free(trained);
		}
	}
	MemoryContextSwitchTo(old);
	if (e->model == NULL)
		sgpg_report(&st, psprintf("cannot load model %s version %s", name, version));
	if (e->kind == SGPG_MODEL_CNN)
		sg_nn_model_set_should_stop(e->model, sgpg_should_stop, NULL);
	if (ncached == CACHE_MAX)
	{
		/* drop the oldest entry; its memory stays in the cache context */
		memmove(cache, cache + 1, sizeof(cache[0]) * (CACHE_MAX - 1));
		ncached--;
	}
	cache[ncached++] = e;
	return e;
}

/* Text value of column col of SPI row 0. */
static char *
spi_text(int col)
{
	return SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, col);
}

static const char *const task_names[] = {"finder", "modeller"};
static const char *const task_nouns[] = {"lens finder", "lens modeller"};

/* Explain why no default model of the task fits the stamp (called inside SPI). */
static void
no_default_error(const char *registry, sgpg_task task, const sg_image *img)
{
	StringInfoData have;
	char	   *q = psprintf("SELECT name || ' (bands ' || array_to_string(bands, ',') || ', ' || pixel_scale || "
							 "' arcsec/pixel)' FROM %s WHERE task = '%s' AND is_default ORDER BY name",
							 registry, task_names[task]);

	initStringInfo(&have);
	if (SPI_execute(q, true, 0) == SPI_OK_SELECT)
		for (uint64 i = 0; i < SPI_processed; i++)
			appendStringInfo(&have, "%s%s", i ? "; " : "",
							 SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1));
	ereport(ERROR,
			(errcode(ERRCODE_UNDEFINED_OBJECT),
			 errmsg("no default %s takes this stamp (%d band(s), %g arcsec/pixel)",
					task_nouns[task], img->nbands, img->pixel_scale),
			 have.len ? errdetail("Default %ss: %s.", task_nouns[task], have.data)
			 : errdetail("No default %s is registered.", task_nouns[task]),
			 errhint("Name a model, or resample the stamp to a model's pixel scale.")));
}

/* The model, after checking that it can do the task. */
static sgpg_model *
check_task(sgpg_model *e, sgpg_task task)
{
	if (task == SGPG_TASK_MODELLER && (e->kind != SGPG_MODEL_CNN || e->info.task != SG_NN_TASK_REGRESSION))
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("model %s version %s is not a lens modeller network", e->name, e->version)));
	if (task == SGPG_TASK_FINDER && e->kind == SGPG_MODEL_CNN && e->info.task != SG_NN_TASK_CLASSIFICATION)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("model %s version %s is not a lens finder", e->name, e->version)));
	return e;
}

/*
 * A call site's last registry look-up (in its FmgrInfo's fn_extra): the
 * question — task, name, version, the stamp's bands and pixel scale — the
 * snapshot it was answered in, and the answer.
 */
typedef struct lookup_memo
{
	sgpg_task	task;
	char	   *name;			/* NULL: the default */
	char	   *version;
	int			nbands;
	char		bands[SG_MAX_BANDS][SG_BAND_NAME_LEN];
	double		pixel_scale;
	TransactionId xmin,
				xmax;
	CommandId	curcid;
	char	   *model_name;
	char	   *model_version;
} lookup_memo;

static bool
same_text(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

/* The memo's model when it answers this question in the active snapshot, else NULL. */
static sgpg_model *
memo_find(const lookup_memo *m, sgpg_task task, const sg_image *img, const char *name,
		  const char *version)
{
	Snapshot	snap = ActiveSnapshotSet() ? GetActiveSnapshot() : NULL;

	if (m == NULL || snap == NULL || m->task != task || !same_text(m->name, name) ||
		!same_text(m->version, version) || m->nbands != img->nbands ||
		m->pixel_scale != img->pixel_scale || m->xmin != snap->xmin || m->xmax != snap->xmax ||
		m->curcid != snap->curcid)
		return NULL;
	for (int b = 0; b < img->nbands; b++)
		if (strcmp(m->bands[b], img->bands[b].name) != 0)
			return NULL;
	return cache_find(m->model_name, m->model_version);
}

/* Remember in flinfo that this question got (mname, mversion) in the active snapshot. */
static void
memo_store(FmgrInfo *flinfo, sgpg_task task, const sg_image *img, const char *name,
		   const char *version, const char *mname, const char *mversion)
{
	lookup_memo *m;

	if (flinfo == NULL || !ActiveSnapshotSet())
		return;
	if (flinfo->fn_extra == NULL)
		flinfo->fn_extra = MemoryContextAllocZero(flinfo->fn_mcxt, sizeof(lookup_memo));
	m = flinfo->fn_extra;
	m->task = task;
	m->name = name ? MemoryContextStrdup(flinfo->fn_mcxt, name) : NULL;
	m->version = version ? MemoryContextStrdup(flinfo->fn_mcxt, version) : NULL;
	m->nbands = img->nbands;
	for (int b = 0; b < img->nbands; b++)
		strlcpy(m->bands[b], img->bands[b].name, SG_BAND_NAME_LEN);
	m->pixel_scale = img->pixel_scale;
	m->xmin = GetActiveSnapshot()->xmin;
	m->xmax = GetActiveSnapshot()->xmax;
	m->curcid = GetActiveSnapshot()->curcid;
	m->model_name = MemoryContextStrdup(flinfo->fn_mcxt, mname);
	m->model_version = MemoryContextStrdup(flinfo->fn_mcxt, mversion);
}

sgpg_model *
sgpg_model_for(FmgrInfo *flinfo, sgpg_task task, const sg_image *img, const char *name,
			   const char *version)
{
	char	   *schema;
	char	   *registry;
	Datum		bands[SG_MAX_BANDS];
	Datum		args[5];
	char	   *q;
	char	   *mname,
			   *mversion;
	sgpg_model *e;
	MemoryContext caller = CurrentMemoryContext;

	/*
	 * A named, registered version never changes: once loaded, it is served
	 * from the cache without a registry look-up (the fixed-version forms are
	 * IMMUTABLE, so even a version deleted since keeps its meaning here).
	 */
	if (name && version && (e = cache_find(name, version)) != NULL)
		return check_task(e, task);
	/* the same question as this call site's last one, in the same snapshot */
	if ((e = memo_find(flinfo ? flinfo->fn_extra : NULL, task, img, name, version)) != NULL)
		return check_task(e, task);
	schema = get_namespace_name(get_func_namespace(flinfo->fn_oid));
	registry = quote_qualified_identifier(schema, "sglens_model");
	for (int b = 0; b < img->nbands; b++)
		bands[b] = CStringGetTextDatum(img->bands[b].name);
	args[0] = CStringGetTextDatum(task_names[task]);
	args[1] = PointerGetDatum(construct_array(bands, img->nbands, TEXTOID, -1, false, TYPALIGN_INT));
	args[2] = Float8GetDatum(img->pixel_scale);
	args[3] = name ? CStringGetTextDatum(name) : (Datum) 0;
	args[4] = version ? CStringGetTextDatum(version) : (Datum) 0;
	/* the look-up itself is the SQL function sg_model_for (90_models.sql) */
	q = psprintf("SELECT name, version FROM %s($1, $2, $3, $4, $5) WHERE name IS NOT NULL",
				 quote_qualified_identifier(schema, "sg_model_for"));
	SPI_connect();
	if (SPI_execute_with_args(q, 5, (Oid[]) {TEXTOID, TEXTARRAYOID, FLOAT8OID, TEXTOID, TEXTOID}, args,
							  (char[]) {' ', ' ', ' ', name ? ' ' : 'n', version ? ' ' : 'n'}, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "model registry look-up failed");
	if (SPI_processed == 0)
	{
		if (name == NULL)
			no_default_error(registry, task, img);
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 version ? errmsg("%s \"%s\" has no version \"%s\"", task_nouns[task], name, version)
				 : errmsg("no %s \"%s\" is registered", task_nouns[task], name)));
	}
	mname = MemoryContextStrdup(caller, spi_text(1));
	mversion = MemoryContextStrdup(caller, spi_text(2));
	e = cache_find(mname, mversion);
	if (e == NULL)
	{
		Datum		key[2] = {CStringGetTextDatum(mname), CStringGetTextDatum(mversion)};
		bool		isnull;
		bytea	   *weights;

		q = psprintf("SELECT weights FROM %s WHERE name = $1 AND version = $2", registry);
		if (SPI_execute_with_args(q, 2, (Oid[]) {TEXTOID, TEXTOID}, key, NULL, true, 1) != SPI_OK_SELECT ||
			SPI_processed != 1)
			elog(ERROR, "model %s version %s vanished from the registry", mname, mversion);
		weights = DatumGetByteaPP(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
		e = load_model(mname, mversion, weights);
	}
	SPI_finish();
	memo_store(flinfo, task, img, name, version, mname, mversion);
	return check_task(e, task);
}
