/*
 * binio.h — the binary framing shared by the model file formats (internal;
 * used by nn_weights.c for SGLNNW01 and baseline_file.c for SGLBASE1):
 * little-endian fields, a 24-byte preamble (8-byte magic, u32 format
 * version, u32 header length, u64 file length), length-prefixed strings,
 * and a trailing CRC-32 (zlib) of everything before it.
 *
 * The writer fills a buffer the caller sized exactly.  The reader is
 * bounds-checked: every get fails (with st set, false returned) rather than
 * read past end.  Messages start with "<kind> file", kind being e.g.
 * "weights" or "baseline".
 */
#ifndef SGLENS_BINIO_H
#define SGLENS_BINIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sglens/status.h"

#define BINIO_PREAMBLE 24
#define BINIO_MIN_FILE (BINIO_PREAMBLE + 4)	/* preamble and checksum */

typedef struct binio_writer
{
	unsigned char *p;			/* next byte to write */
} binio_writer;

typedef struct binio_reader
{
	const unsigned char *p;		/* next byte to read */
	const unsigned char *end;	/* end of the section */
	const char *kind;			/* the file kind, for messages */
	const char *what;			/* the section being read, for messages */
	sg_status  *st;
} binio_reader;

/* Append a byte. */
void		binio_put_u8(binio_writer *w, unsigned v);

/* Append a little-endian u32. */
void		binio_put_u32(binio_writer *w, uint32_t v);

/* Append a little-endian u64. */
void		binio_put_u64(binio_writer *w, uint64_t v);

/* Append the bits of a float as a little-endian u32. */
void		binio_put_f32(binio_writer *w, float f);

/* Append the bits of a double as a little-endian u64. */
void		binio_put_f64(binio_writer *w, double d);

/* Append a u8 length (< 256) and the bytes of s. */
void		binio_put_str(binio_writer *w, const char *s);

/* Write the preamble at the start of buf, leaving w after it. */
void		binio_put_preamble(binio_writer *w, unsigned char *buf, const char *magic,
							   uint32_t version, size_t hlen, size_t total);

/* Append the CRC-32 of buf up to the writer's position. */
void		binio_put_crc(binio_writer *w, const unsigned char *buf);

/* The little-endian u32 at p (no bounds check). */
uint32_t	binio_le32(const unsigned char *p);

/* Start reading [p, end) as section what of a kind file. */
void		binio_reader_init(binio_reader *r, const unsigned char *p,
							  const unsigned char *end, const char *kind,
							  const char *what, sg_status *st);

/* Fail (truncated) unless n more bytes remain. */
bool		binio_need(binio_reader *r, size_t n);

/* Read a byte. */
bool		binio_get_u8(binio_reader *r, unsigned *v);

/* Read a little-endian u32. */
bool		binio_get_u32(binio_reader *r, uint32_t *v);

/* Read a double stored as a little-endian u64. */
bool		binio_get_f64(binio_reader *r, double *d);

/* Read n floats stored as little-endian u32s (not checked for NaN). */
bool		binio_get_f32s(binio_reader *r, float *v, size_t n);

/* Read a u32 size field in [lo, hi] (over hi: SG_ERR_LIMIT), named name. */
bool		binio_get_field(binio_reader *r, const char *name, long lo, long hi,
							int *out);

/* Read a u32 code that must be one of lo..hi, named name. */
bool		binio_get_code(binio_reader *r, const char *name, long lo, long hi,
						   int *out);

/*
 * Read a u8-length-prefixed string of 1..cap−1 bytes into buf (NUL added);
 * *len gets its length.  The bytes themselves are the caller's to check.
 */
bool		binio_get_str(binio_reader *r, const char *name, char *buf, size_t cap,
						  unsigned *len);

/*
 * Check a file's preamble (magic, format version, file length against len
 * and max_file), its checksum and that the header fits; *hlen gets the
 * header length.
 */
bool		binio_read_preamble(const unsigned char *b, size_t len, const char *magic,
								uint32_t version, long max_file, const char *kind,
								uint32_t *hlen, sg_status *st);

/*
 * The bytes of the file at path (at most max_file; sg_free them), *len its
 * length; NULL with st set on failure.
 */
unsigned char *binio_load_file(const char *path, long max_file, const char *kind,
							   size_t *len, sg_status *st);

/* Write len bytes of buf to path. */
bool		binio_save_file(const char *path, const void *buf, size_t len,
							const char *kind, sg_status *st);

#endif
