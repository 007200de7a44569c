/* sglens.c — module entry point: magic block, allocator and settings. */
#include "postgres.h"

#include "fmgr.h"

#include "pg_core.h"
#include "sgpg_tiles.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

/* Called when the module is loaded. */
void
_PG_init(void)
{
	sgpg_install_allocator();
	sgpg_tiles_define_settings();
}
