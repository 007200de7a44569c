/* base64.h — RFC 4648 base64 for the text form of images (core-internal). */
#ifndef SGLENS_BASE64_H
#define SGLENS_BASE64_H

#include <stdbool.h>
#include <stddef.h>

/* Characters needed to encode n bytes (without NUL). */
size_t		sg_base64_encoded_len(size_t n);

/* Encode n bytes into out (sg_base64_encoded_len(n) characters, no NUL). */
void		sg_base64_encode(const unsigned char *in, size_t n, char *out);

/*
 * Decode exactly len characters (padded, no whitespace) into out, which holds
 * outmax bytes; returns false on a bad character, bad padding or overflow.
 */
bool		sg_base64_decode(const char *in, size_t len, unsigned char *out,
							 size_t outmax, size_t *outlen);

#endif
