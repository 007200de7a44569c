/* base64.c — RFC 4648 base64 encoding and strict decoding. */
#include "base64.h"

static const char alphabet[] =
"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t
sg_base64_encoded_len(size_t n)
{
	return (n + 2) / 3 * 4;
}

void
sg_base64_encode(const unsigned char *in, size_t n, char *out)
{
	size_t		i = 0;

	for (; i + 3 <= n; i += 3)
	{
		unsigned long v = ((unsigned long) in[i] << 16) | (in[i + 1] << 8) | in[i + 2];

		*out++ = alphabet[(v >> 18) & 63];
		*out++ = alphabet[(v >> 12) & 63];
		*out++ = alphabet[(v >> 6) & 63];
		*out++ = alphabet[v & 63];
	}
	if (n - i == 1)
	{
		unsigned long v = (unsigned long) in[i] << 16;

		*out++ = alphabet[(v >> 18) & 63];
		*out++ = alphabet[(v >> 12) & 63];
		*out++ = '=';
		*out++ = '=';
	}
	else if (n - i == 2)
	{
		unsigned long v = ((unsigned long) in[i] << 16) | (in[i + 1] << 8);

		*out++ = alphabet[(v >> 18) & 63];
		*out++ = alphabet[(v >> 12) & 63];
		*out++ = alphabet[(v >> 6) & 63];
		*out++ = '=';
	}
}

/* Value of a base64 character, or -1. */
static int
char_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

bool
sg_base64_decode(const char *in, size_t len, unsigned char *out, size_t outmax,
				 size_t *outlen)
{
	size_t		n = 0;

	if (len % 4 != 0)
		return false;
	for (size_t i = 0; i < len; i += 4)
	{
		int			v[4];
		int			pad = 0;
		bool		last = (i + 4 == len);

		for (int k = 0; k < 4; k++)
		{
			if (in[i + k] == '=' && last && k >= 2)
			{
				pad++;
				v[k] = 0;
				continue;
			}
			if (pad > 0)
				return false;	/* data after padding */
			v[k] = char_value(in[i + k]);
			if (v[k] < 0)
				return false;
		}
		if (n + 3 - pad > outmax)
			return false;
		out[n++] = (unsigned char) ((v[0] << 2) | (v[1] >> 4));
		if (pad < 2)
			out[n++] = (unsigned char) (((v[1] & 15) << 4) | (v[2] >> 2));
		else if (v[1] & 15)
			return false;		/* non-canonical trailing bits */
		if (pad < 1)
			out[n++] = (unsigned char) (((v[2] & 3) << 6) | v[3]);
		else if (pad == 1 && (v[2] & 3))
			return false;
	}
	*outlen = n;
	return true;
}
