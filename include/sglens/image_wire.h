/*
 * image_wire.h — the binary wire form of an sgimage (send/recv, COPY BINARY).
 * Portable: big-endian (network order) integers and IEEE floats; layout in
 * docs/sgimage.md.
 */
#ifndef SGLENS_IMAGE_WIRE_H
#define SGLENS_IMAGE_WIRE_H

#include "sglens/image.h"

/* Encode an image; returns an sg_malloc'd buffer and its length. */
void	   *sg_image_to_wire(const sg_image *img, size_t *len, sg_status *st);

/* Decode exactly len bytes; NULL with SG_ERR_BINARY/LIMIT/VALUE on bad input. */
sg_image   *sg_image_from_wire(const unsigned char *buf, size_t len,
							   sg_status *st);

#endif
