/* sgpg_tiles.h — server-side survey tile files and their access setting. */
#ifndef SGLENS_SGPG_TILES_H
#define SGLENS_SGPG_TILES_H

/* Define the sglens.tile_directories setting (called from _PG_init). */
void		sgpg_tiles_define_settings(void);

#endif
