/*
 * qr.c - QR codes as SVG and PNG (see qr.h).
 *
 * The PNG is written with zlib alone rather than libpng: a QR picture is one
 * IHDR, one IDAT of 1-bit rows and an IEND, about forty lines, while libpng
 * reports errors by longjmp, which does not mix with this project's goto-out
 * cleanup (locals clobbered after setjmp, -Wclobbered under -Werror).
 */
#include "qr.h"

#include <errno.h>
#include <qrencode.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "strbuf.h"

static sy_status encode(const char *text, QRcode **out, sy_err *err)
{
	size_t n = text ? strnlen(text, QR_TEXT_MAX + 1) : 0;
	*out = NULL;
	if (n == 0 || n > QR_TEXT_MAX)
		return sy_failf(err, SY_EINVAL, "qr_text", NULL, "二维码内容为空或过长",
				"QR code text is empty or too long");
	/* Version 0: the smallest that fits; libqrencode picks numeric, alphanumeric or 8-bit per segment. */
	errno = 0;
	QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!q) {
		if (errno == ENOMEM)
			return sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
		return sy_failf(err, SY_EINVAL, "qr_text", NULL, "内容无法编码为二维码",
				"the text cannot be encoded as a QR code");
	}
	*out = q;
	return SY_OK;
}

static int dark(const QRcode *q, int x, int y)
{
	return q->data[(size_t)y * (size_t)q->width + (size_t)x] & 1;
}

sy_status qr_svg(const char *text, char **out, size_t *len, sy_err *err)
{
	QRcode *q = NULL;
	strbuf sb;
	sb_init(&sb);
	*out = NULL;
	*len = 0;
	sy_status st = encode(text, &q, err);
	if (st)
		goto out;
	int w = q->width + 2 * QR_QUIET;
	sb_printf(&sb,
		  "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
		  "shape-rendering=\"crispEdges\">"
		  "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
		  w, w, w, w);
	/* One subpath per horizontal run of dark modules keeps the path short. */
	for (int y = 0; y < q->width; y++) {
		for (int x = 0; x < q->width;) {
			if (!dark(q, x, y)) {
				x++;
				continue;
			}
			int x0 = x;
			while (x < q->width && dark(q, x, y))
				x++;
			sb_printf(&sb, "M%d %dh%dv1h-%dz", x0 + QR_QUIET, y + QR_QUIET, x - x0, x - x0);
		}
	}
	sb_puts(&sb, "\"/></svg>\n");
	if (sb.oom) {
		st = sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
		goto out;
	}
	*len = sb.len;
	*out = sb_steal(&sb);
out:
	sb_free(&sb);
	if (q)
		QRcode_free(q);
	return st;
}

static void be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* Append one chunk (length, type, data, CRC over type and data) at *pos. */
static void chunk(unsigned char *buf, size_t *pos, const char type[4], const unsigned char *data,
		  size_t n)
{
	unsigned char *p = buf + *pos;
	be32(p, (uint32_t)n);
	memcpy(p + 4, type, 4);
	if (n)
		memcpy(p + 8, data, n);
	uLong crc = crc32(0L, Z_NULL, 0);
	crc = crc32(crc, p + 4, (uInt)(n + 4));
	be32(p + 8 + n, (uint32_t)crc);
	*pos += 12 + n;
}

sy_status qr_png(const char *text, int scale, unsigned char **out, size_t *len, sy_err *err)
{
	static const unsigned char SIG[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	QRcode *q = NULL;
	unsigned char *raw = NULL, *z = NULL, *png = NULL;
	*out = NULL;
	*len = 0;
	if (scale < 1 || scale > QR_SCALE_MAX)
		return sy_fail(err, SY_EINVAL, "qr_scale", "scale", "缩放倍数须为 1 到 %d",
			       "scale must be 1 to %d", QR_SCALE_MAX);
	sy_status st = encode(text, &q, err);
	if (st)
		goto out;
	/* At most (177 + 8) * 32 = 5920 pixels a side: no overflow in size_t. */
	size_t px = (size_t)(q->width + 2 * QR_QUIET) * (size_t)scale;
	size_t rowbytes = 1 + (px + 7) / 8; /* filter byte + 1 bit per pixel */
	size_t rawlen = rowbytes * px;
	uLongf zlen = compressBound((uLong)rawlen);
	raw = malloc(rawlen);
	z = malloc(zlen);
	if (!raw || !z)
		goto oom;
	/* 1-bit greyscale: 1 is white, so start white and clear the dark modules. */
	for (size_t y = 0; y < px; y++) {
		unsigned char *row = raw + y * rowbytes;
		row[0] = 0; /* filter: none */
		memset(row + 1, 0xff, rowbytes - 1);
		long my = (long)(y / (size_t)scale) - QR_QUIET;
		if (my < 0 || my >= q->width)
			continue;
		for (size_t x = 0; x < px; x++) {
			long mx = (long)(x / (size_t)scale) - QR_QUIET;
			if (mx >= 0 && mx < q->width && dark(q, (int)mx, (int)my))
				row[1 + x / 8] &= (unsigned char)~(0x80u >> (x % 8));
		}
	}
	int zrc = compress2(z, &zlen, raw, (uLong)rawlen, Z_BEST_COMPRESSION);
	if (zrc == Z_MEM_ERROR)
		goto oom;
	if (zrc != Z_OK) {
		st = sy_failf(err, SY_EINTERNAL, "png_failed", NULL, "生成 PNG 失败", "PNG encoding failed");
		goto out;
	}
	unsigned char ihdr[13];
	be32(ihdr, (uint32_t)px);
	be32(ihdr + 4, (uint32_t)px);
	ihdr[8] = 1;  /* bit depth */
	ihdr[9] = 0;  /* colour type: greyscale */
	ihdr[10] = 0; /* compression: deflate */
	ihdr[11] = 0; /* filter method 0 */
	ihdr[12] = 0; /* no interlace */
	size_t total = sizeof SIG + (12 + sizeof ihdr) + (12 + zlen) + 12;
	png = malloc(total);
	if (!png)
		goto oom;
	size_t pos = sizeof SIG;
	memcpy(png, SIG, sizeof SIG);
	chunk(png, &pos, "IHDR", ihdr, sizeof ihdr);
	chunk(png, &pos, "IDAT", z, zlen);
	chunk(png, &pos, "IEND", NULL, 0);
	*out = png;
	*len = pos;
	png = NULL;
	goto out;
oom:
	st = sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
out:
	free(raw);
	free(z);
	free(png);
	if (q)
		QRcode_free(q);
	return st;
}
