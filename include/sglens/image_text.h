/*
 * image_text.h — the text form of an sgimage (type input/output, COPY,
 * pg_dump).  It round-trips exactly: metadata are printed with the shortest
 * decimal that reads back to the same double, pixels are base64 of their
 * little-endian float32 bytes.  Grammar in docs/sgimage.md.
 */
#ifndef SGLENS_IMAGE_TEXT_H
#define SGLENS_IMAGE_TEXT_H

#include "sglens/image.h"

/* Format an image as a NUL-terminated string (allocated with sg_malloc). */
char	   *sg_image_to_text(const sg_image *img, sg_status *st);

/* Parse the text form; NULL with SG_ERR_SYNTAX/LIMIT/VALUE on bad input. */
sg_image   *sg_image_from_text(const char *text, sg_status *st);

#endif
