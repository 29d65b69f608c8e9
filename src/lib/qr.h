/*
 * qr.h - a text as a QR code picture (libqrencode), as SVG or PNG.
 *
 * Error correction level M (about 15% of the code may be lost): a code is
 * shown on phone screens with glare and scratches, and a signed e-card
 * (about 175 characters in the alphanumeric set) still fits version 8 or
 * so, which scans easily. Both pictures have the 4-module quiet zone the
 * standard asks for. Nothing of the text is written into the SVG: only
 * the modules, so there is nothing to escape.
 */
#ifndef SY_QR_H
#define SY_QR_H

#include <stddef.h>

#include "status.h"

#define QR_TEXT_MAX 1024  /* longer texts are refused: an e-card code is < 200 bytes */
#define QR_SCALE_MAX 32   /* pixels per module in a PNG */
#define QR_QUIET 4        /* modules of white border */

/*
 * An SVG document (NUL-terminated, malloc'd: free() it) drawing text's QR
 * code, one user unit per module; the caller sizes it with CSS.
 * SY_EINVAL (code "qr_text") when text is empty or too long for a QR code.
 */
sy_status qr_svg(const char *text, char **out, size_t *len, sy_err *err);

/*
 * A PNG (malloc'd: free() it): 1-bit greyscale, scale pixels per module
 * (1..QR_SCALE_MAX).
 */
sy_status qr_png(const char *text, int scale, unsigned char **out, size_t *len, sy_err *err);

#endif
