/*
 * binio.c — the little-endian fields, preamble, strings, CRC-32 framing and
 * whole-file I/O shared by the model file formats (binio.h).
 */
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "sglens/alloc.h"
#include "binio.h"

/* ---- writer ---- */

/* Append a byte. */
void
binio_put_u8(binio_writer *w, unsigned v)
{
	*w->p++ = (unsigned char) v;
}

/* Append a little-endian u32. */
void
binio_put_u32(binio_writer *w, uint32_t v)
{
	for (int s = 0; s < 32; s += 8)
		*w->p++ = (v >> s) & 0xff;
}

/* Append a little-endian u64. */
void
binio_put_u64(binio_writer *w, uint64_t v)
{
	for (int s = 0; s < 64; s += 8)
		*w->p++ = (v >> s) & 0xff;
}

/* Append the bits of a float as a little-endian u32. */
void
binio_put_f32(binio_writer *w, float f)
{
	uint32_t	v;

	memcpy(&v, &f, 4);
	binio_put_u32(w, v);
}

/* Append the bits of a double as a little-endian u64. */
void
binio_put_f64(binio_writer *w, double d)
{
	uint64_t	v;

	memcpy(&v, &d, 8);
	binio_put_u64(w, v);
}

/* Append a u8 length (< 256) and the bytes of s. */
void
binio_put_str(binio_writer *w, const char *s)
{
	size_t		n = strlen(s);

	binio_put_u8(w, (unsigned) n);
	memcpy(w->p, s, n);
	w->p += n;
}

/* Write the preamble at the start of buf, leaving w after it. */
void
binio_put_preamble(binio_writer *w, unsigned char *buf, const char *magic,
				   uint32_t version, size_t hlen, size_t total)
{
	memcpy(buf, magic, 8);
	w->p = buf + 8;
	binio_put_u32(w, version);
	binio_put_u32(w, (uint32_t) hlen);
	binio_put_u64(w, total);
}

/* The CRC-32 (zlib) of n bytes. */
static uint32_t
crc_of(const unsigned char *b, size_t n)
{
	return (uint32_t) crc32(crc32(0L, Z_NULL, 0), b, (uInt) n);
}

/* Append the CRC-32 of buf up to the writer's position. */
void
binio_put_crc(binio_writer *w, const unsigned char *buf)
{
	binio_put_u32(w, crc_of(buf, (size_t) (w->p - buf)));
}

/* ---- bounds-checked reader ---- */

/* The little-endian u32 at p (no bounds check). */
uint32_t
binio_le32(const unsigned char *p)
{
	return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 |
		(uint32_t) p[3] << 24;
}

/* Start reading [p, end) as section what of a kind file. */
void
binio_reader_init(binio_reader *r, const unsigned char *p,
				  const unsigned char *end, const char *kind, const char *what,
				  sg_status *st)
{
	r->p = p;
	r->end = end;
	r->kind = kind;
	r->what = what;
	r->st = st;
}

/* Fail (truncated) unless n more bytes remain. */
bool
binio_need(binio_reader *r, size_t n)
{
	if ((size_t) (r->end - r->p) < n)
	{
		sg_fail(r->st, SG_ERR_BINARY, "%s file is truncated in the %s", r->kind, r->what);
		return false;
	}
	return true;
}

/* Read a byte. */
bool
binio_get_u8(binio_reader *r, unsigned *v)
{
	if (!binio_need(r, 1))
		return false;
	*v = *r->p++;
	return true;
}

/* Read a little-endian u32. */
bool
binio_get_u32(binio_reader *r, uint32_t *v)
{
	if (!binio_need(r, 4))
		return false;
	*v = binio_le32(r->p);
	r->p += 4;
	return true;
}

/* Read a double stored as a little-endian u64. */
bool
binio_get_f64(binio_reader *r, double *d)
{
	uint64_t	v;

	if (!binio_need(r, 8))
		return false;
	v = (uint64_t) binio_le32(r->p) | (uint64_t) binio_le32(r->p + 4) << 32;
	memcpy(d, &v, 8);
	r->p += 8;
	return true;
}

/* Read n floats stored as little-endian u32s (not checked for NaN). */
bool
binio_get_f32s(binio_reader *r, float *v, size_t n)
{
	if (!binio_need(r, n > SIZE_MAX / 4 ? SIZE_MAX : 4 * n))
		return false;
	for (size_t j = 0; j < n; j++)
	{
		uint32_t	u = binio_le32(r->p + 4 * j);

		memcpy(&v[j], &u, 4);
	}
	r->p += 4 * n;
	return true;
}

/* Read a u32 size field in [lo, hi] (over hi: SG_ERR_LIMIT), named name. */
bool
binio_get_field(binio_reader *r, const char *name, long lo, long hi, int *out)
{
	uint32_t	v;

	if (!binio_get_u32(r, &v))
		return false;
	if (v < (uint32_t) lo || v > (uint32_t) hi)
	{
		sg_fail(r->st, v > (uint32_t) hi ? SG_ERR_LIMIT : SG_ERR_VALUE,
				"%s file %s %u is out of range [%ld, %ld]", r->kind, name, v, lo, hi);
		return false;
	}
	*out = (int) v;
	return true;
}

/* Read a u32 code that must be one of lo..hi, named name. */
bool
binio_get_code(binio_reader *r, const char *name, long lo, long hi, int *out)
{
	uint32_t	v;

	if (!binio_get_u32(r, &v))
		return false;
	if (v < (uint32_t) lo || v > (uint32_t) hi)
	{
		sg_fail(r->st, SG_ERR_VALUE, "%s file has an unknown %s %u (known: %ld to %ld)",
				r->kind, name, v, lo, hi);
		return false;
	}
	*out = (int) v;
	return true;
}

/*
 * Read a u8-length-prefixed string of 1..cap−1 bytes into buf (NUL added);
 * *len gets its length.  The bytes themselves are the caller's to check.
 */
bool
binio_get_str(binio_reader *r, const char *name, char *buf, size_t cap,
			  unsigned *len)
{
	unsigned	n;

	if (!binio_get_u8(r, &n))
		return false;
	if (n == 0 || n >= cap)
	{
		sg_fail(r->st, SG_ERR_VALUE, "%s file %s has length %u (must be 1 to %zu)",
				r->kind, name, n, cap - 1);
		return false;
	}
	if (!binio_need(r, n))
		return false;
	memcpy(buf, r->p, n);
	buf[n] = '\0';
	r->p += n;
	*len = n;
	return true;
}

/*
 * Check a file's preamble (magic, format version, file length against len
 * and max_file), its checksum and that the header fits; *hlen gets the
 * header length.
 */
bool
binio_read_preamble(const unsigned char *b, size_t len, const char *magic,
					uint32_t version, long max_file, const char *kind,
					uint32_t *hlen, sg_status *st)
{
	uint64_t	flen;
	uint32_t	stored,
				computed;

	if (len < BINIO_MIN_FILE)
	{
		sg_fail(st, SG_ERR_BINARY, "%s file is truncated: %zu bytes, at least %d needed",
				kind, len, BINIO_MIN_FILE);
		return false;
	}
	if (memcmp(b, magic, 8) != 0)
	{
		sg_fail(st, SG_ERR_BINARY, "bad magic: not an sglens %s file (expected \"%s\")",
				kind, magic);
		return false;
	}
	if (binio_le32(b + 8) != version)
	{
		sg_fail(st, SG_ERR_BINARY, "unknown %s format version %u (this build reads version %u)",
				kind, binio_le32(b + 8), version);
		return false;
	}
	*hlen = binio_le32(b + 12);
	flen = (uint64_t) binio_le32(b + 16) | (uint64_t) binio_le32(b + 20) << 32;
	if (flen > (uint64_t) max_file || len > (size_t) max_file)
	{
		sg_fail(st, SG_ERR_LIMIT, "%s file of %llu bytes is over the limit of %ld",
				kind, (unsigned long long) (flen > len ? flen : len), max_file);
		return false;
	}
	if (len < flen)
	{
		sg_fail(st, SG_ERR_BINARY, "%s file is truncated: %zu bytes of %llu",
				kind, len, (unsigned long long) flen);
		return false;
	}
	if (len > flen)
	{
		sg_fail(st, SG_ERR_BINARY, "%s file has %llu unexpected bytes after its checksum",
				kind, (unsigned long long) (len - flen));
		return false;
	}
	stored = binio_le32(b + len - 4);
	computed = crc_of(b, len - 4);
	if (stored != computed)
	{
		sg_fail(st, SG_ERR_BINARY, "%s file checksum mismatch (stored %08x, computed %08x): the file is corrupt",
				kind, stored, computed);
		return false;
	}
	if (*hlen > len - BINIO_MIN_FILE)
	{
		sg_fail(st, SG_ERR_BINARY, "%s file header length %u runs past the end of the file",
				kind, *hlen);
		return false;
	}
	return true;
}

/* ---- whole files ---- */

/*
 * The bytes of the file at path (at most max_file; sg_free them), *len its
 * length; NULL with st set on failure.
 */
unsigned char *
binio_load_file(const char *path, long max_file, const char *kind,
				size_t *len, sg_status *st)
{
	FILE	   *f = fopen(path, "rb");
	long		size;
	unsigned char *buf = NULL;

	*len = 0;
	if (f == NULL)
	{
		sg_fail(st, SG_ERR_IO, "could not open %s file \"%s\"", kind, path);
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0)
		sg_fail(st, SG_ERR_IO, "could not read %s file \"%s\"", kind, path);
	else if (size > max_file)
		sg_fail(st, SG_ERR_LIMIT, "%s file \"%s\" has %ld bytes, over the limit of %ld",
				kind, path, size, max_file);
	else if ((buf = sg_malloc(size ? (size_t) size : 1)) == NULL)
		sg_fail(st, SG_ERR_NOMEM, "out of memory reading %s file \"%s\"", kind, path);
	else if (fread(buf, 1, (size_t) size, f) != (size_t) size)
	{
		sg_fail(st, SG_ERR_IO, "could not read %s file \"%s\"", kind, path);
		sg_free(buf);
		buf = NULL;
	}
	else
		*len = (size_t) size;
	fclose(f);
	return buf;
}

/* Write len bytes of buf to path. */
bool
binio_save_file(const char *path, const void *buf, size_t len, const char *kind,
				sg_status *st)
{
	FILE	   *f = fopen(path, "wb");
	bool		ok = f != NULL && fwrite(buf, 1, len, f) == len;

	if (f != NULL && fclose(f) != 0)
		ok = false;
	if (!ok)
		sg_fail(st, SG_ERR_IO, "could not write %s file \"%s\"", kind, path);
	return ok;
}
