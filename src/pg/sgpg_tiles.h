/* sgpg_tiles.h — server-side survey tile files and their access setting. */
#ifndef SGLENS_SGPG_TILES_H
#define SGLENS_SGPG_TILES_H

/* Define the sglens.tile_directories setting (called from _PG_init). */
void		sgpg_tiles_define_settings(void);

/*
 * Check that a server file may be read under sglens.tile_directories (errors
 * 42501, 22023, 58P01, 42809 otherwise); returns its resolved real path.
 */
char	   *sgpg_resolve_tile_path(const char *requested);

#endif
