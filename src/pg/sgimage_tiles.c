/*
 * sgimage_tiles.c — cutting stamps out of survey tile files on the server.
 *
 * Reading server files is denied unless a superuser lists allowed directories
 * in sglens.tile_directories.  A path must be absolute, must lie under an
 * allowed directory as written (after removing "." and ".." components), and
 * its real path (symlinks resolved) must lie under the real path of an
 * allowed directory; only regular files are opened.
 */
#include "postgres.h"

#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/varlena.h"

#include "pg_core.h"
#include "sglens/fits.h"
#include "sgpg_tiles.h"

PG_FUNCTION_INFO_V1(sgimage_cutout);

static char *tile_directories = NULL;

/* GUC check hook: every listed directory must be an absolute path. */
static bool
check_tile_directories(char **newval, void **extra, GucSource source)
{
	char	   *raw = pstrdup(*newval);
	List	   *dirs;
	ListCell   *lc;

	if (!SplitDirectoriesString(raw, ',', &dirs))
	{
		GUC_check_errdetail("List syntax is invalid.");
		return false;
	}
	foreach(lc, dirs)
	{
		if (!is_absolute_path((char *) lfirst(lc)))
		{
			GUC_check_errdetail("\"%s\" is not an absolute path.", (char *) lfirst(lc));
			return false;
		}
	}
	return true;
}

void
sgpg_tiles_define_settings(void)
{
	DefineCustomStringVariable("sglens.tile_directories",
							   "Directories whose FITS tile files sg_cutout may read (comma-separated absolute paths; empty denies all).",
							   NULL,
							   &tile_directories,
							   "",
							   PGC_SUSET,
							   0,
							   check_tile_directories, NULL, NULL);
}

/* True when path equals dir or lies below it (both canonical, no trailing slash). */
static bool
path_is_under(const char *path, const char *dir)
{
	size_t		n = strlen(dir);

	if (n == 1 && dir[0] == '/')
		return true;
	return strncmp(path, dir, n) == 0 && path[n] == '/';
}

/* Is path under one of the allowed directories (real paths when resolve)? */
static bool
path_allowed(const char *path, bool resolve)
{
	char	   *raw = pstrdup(tile_directories);
	List	   *dirs;
	ListCell   *lc;

	if (!SplitDirectoriesString(raw, ',', &dirs))
		return false;
	foreach(lc, dirs)
	{
		char	   *dir = (char *) lfirst(lc);
		char		real[PATH_MAX];

		if (resolve)
		{
			if (realpath(dir, real) == NULL)
				continue;
			dir = real;
		}
		if (path_is_under(path, dir))
			return true;
	}
	return false;
}

/* Check a requested tile path; returns its resolved real path (see sgpg_tiles.h). */
char *
sgpg_resolve_tile_path(const char *requested)
{
	char	   *path;
	char		real[PATH_MAX];
	struct stat sb;

	if (tile_directories == NULL || tile_directories[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("reading survey tile files is disabled"),
				 errhint("A superuser can allow directories with the setting sglens.tile_directories.")));
	if (!is_absolute_path(requested))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("tile path must be absolute: \"%s\"", requested)));
	path = pstrdup(requested);
	canonicalize_path(path);
	if (!path_allowed(path, false))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("tile path \"%s\" is outside the directories allowed by sglens.tile_directories",
						requested)));
	if (realpath(path, real) == NULL)
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("could not open tile file \"%s\": %m", requested)));
	if (!path_allowed(real, true))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("tile path \"%s\" resolves outside the directories allowed by sglens.tile_directories",
						requested)));
	if (stat(real, &sb) != 0 || !S_ISREG(sb.st_mode))
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("tile path \"%s\" is not a regular file", requested)));
	return pstrdup(real);
}

/* sg_cutout(path, ra, dec, size, band, hdu): a stamp cut from a tile file. */
Datum
sgimage_cutout(PG_FUNCTION_ARGS)
{
	char	   *path;
	int			size;
	int			hdu;
	char	   *band;
	sg_status	st;
	sg_image   *img;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
		PG_RETURN_NULL();
	path = sgpg_resolve_tile_path(sgpg_text(PG_GETARG_DATUM(0)));
	size = PG_GETARG_INT32(3);
	band = PG_ARGISNULL(4) ? NULL : sgpg_text(PG_GETARG_DATUM(4));
	hdu = PG_ARGISNULL(5) ? 0 : PG_GETARG_INT32(5);
	if (size < 1 || size > SG_MAX_SIDE)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cutout size must be between 1 and %d pixels, got %d", SG_MAX_SIDE, size)));
	if (hdu < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("hdu must be 0 (first image) or a 1-based HDU number, got %d", hdu)));
	sg_status_clear(&st);
	img = sg_fits_cutout(path, hdu, PG_GETARG_FLOAT8(1), PG_GETARG_FLOAT8(2), size, band, &st);
	if (img == NULL)
		sgpg_report(&st, "cannot cut stamp from tile");
	PG_RETURN_SGIMAGE(img);
}
