/*
 * Unit tests for src/lib/qr.c: the SVG is one well-formed element with only
 * module paths in it (no text of the input), and the PNG has the signature,
 * a correct IHDR (size, 1-bit greyscale, CRC), an IDAT that inflates to
 * exactly the rows it declares, and an IEND.
 */
#include "testutil.h"

#include <stdint.h>
#include <string.h>
#include <zlib.h>

#include "lib/qr.h"

static const char CODE[] =
	"SY1:V50$+AWKB000$00AEDKHNAED5ON 729L6FA7KF6646646646:96UW5-BW/EMJ*DM T99AJD8EBIZW4%672$NG21"
	"E7SP/Q59PN:E19TOOMF.4FM0T%SICR8N943DGJGLQKX0EWB4CSTLSF4QL.YNUQ7";

static uint32_t rd32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void test_svg(void **state)
{
	(void)state;
	char *svg = NULL;
	size_t len = 0;
	sy_err err;
	assert_int_equal(qr_svg("SY1:<script>alert(1)</script>&\"", &svg, &len, &err), SY_OK);
	assert_int_equal(strlen(svg), len);
	assert_null(strstr(svg, "script"));
	assert_null(strstr(svg, "&"));
	free(svg);

	assert_int_equal(qr_svg(CODE, &svg, &len, &err), SY_OK);
	assert_int_equal(strncmp(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ", 53), 0);
	assert_non_null(strstr(svg, "</svg>\n"));
	assert_int_equal(strcmp(svg + len - 7, "</svg>\n"), 0);
	/* Well-formed enough to check by hand: balanced tags, even quotes, only path data characters. */
	int lt = 0, gt = 0, quotes = 0;
	for (const char *c = svg; *c; c++) {
		lt += *c == '<';
		gt += *c == '>';
		quotes += *c == '"';
	}
	assert_int_equal(lt, 4); /* <svg> <rect/> <path/> </svg> */
	assert_int_equal(gt, 4);
	assert_int_equal(quotes % 2, 0);
	const char *d = strstr(svg, " d=\"");
	assert_non_null(d);
	d += 4;
	size_t dl = strcspn(d, "\"");
	assert_true(dl > 100);
	assert_int_equal(strspn(d, "Mhvz0123456789- "), dl);
	/* viewBox is the module count plus the quiet zone: versions run 21..177 modules. */
	int w = 0, h = 0;
	assert_int_equal(sscanf(svg + 53, "%d %d", &w, &h), 2);
	assert_int_equal(w, h);
	assert_true(w >= 21 + 2 * QR_QUIET && w <= 177 + 2 * QR_QUIET);
	assert_int_equal((w - 2 * QR_QUIET - 17) % 4, 0);
	free(svg);
}

static void test_png(void **state)
{
	(void)state;
	unsigned char *png = NULL;
	size_t len = 0;
	sy_err err;
	static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	assert_int_equal(qr_png(CODE, 4, &png, &len, &err), SY_OK);
	assert_true(len > 8 + 25 + 12 + 12);
	assert_memory_equal(png, sig, 8);
	/* IHDR: first chunk, 13 bytes. */
	assert_int_equal(rd32(png + 8), 13);
	assert_memory_equal(png + 12, "IHDR", 4);
	uint32_t width = rd32(png + 16), height = rd32(png + 20);
	assert_int_equal(width, height);
	assert_int_equal(width % 4, 0);
	uint32_t modules = width / 4 - 2 * QR_QUIET;
	assert_true(modules >= 21 && modules <= 177 && (modules - 17) % 4 == 0);
	assert_int_equal(png[24], 1); /* bit depth */
	assert_int_equal(png[25], 0); /* greyscale */
	assert_int_equal(png[26], 0);
	assert_int_equal(png[27], 0);
	assert_int_equal(png[28], 0);
	assert_int_equal(rd32(png + 29), (uint32_t)crc32(crc32(0, Z_NULL, 0), png + 12, 17));
	/* IDAT inflates to height rows of 1 + ceil(width/8) bytes, each with filter 0. */
	size_t off = 33;
	uint32_t zlen = rd32(png + off);
	assert_memory_equal(png + off + 4, "IDAT", 4);
	assert_true(off + 12 + zlen <= len);
	assert_int_equal(rd32(png + off + 8 + zlen),
			 (uint32_t)crc32(crc32(0, Z_NULL, 0), png + off + 4, zlen + 4));
	size_t rowbytes = 1 + (width + 7) / 8;
	uLongf rawlen = rowbytes * height + 16;
	unsigned char *raw = malloc(rawlen);
	assert_non_null(raw);
	assert_int_equal(uncompress(raw, &rawlen, png + off + 8, zlen), Z_OK);
	assert_int_equal(rawlen, rowbytes * height);
	int darkpx = 0;
	for (uint32_t y = 0; y < height; y++) {
		assert_int_equal(raw[y * rowbytes], 0);
		for (uint32_t x = 0; x < width; x++)
			darkpx += !(raw[y * rowbytes + 1 + x / 8] & (0x80 >> (x % 8)));
	}
	/* The quiet zone is white: first row all ones; and a QR code is roughly half dark. */
	for (size_t k = 1; k < rowbytes; k++)
		assert_int_equal(raw[k], 0xff);
	assert_true(darkpx > (int)(width * height / 5) && darkpx < (int)(width * height * 3 / 5));
	free(raw);
	/* IEND closes it. */
	off += 12 + zlen;
	assert_int_equal(off + 12, len);
	assert_int_equal(rd32(png + off), 0);
	assert_memory_equal(png + off + 4, "IEND", 4);
	assert_int_equal(rd32(png + off + 8), 0xae426082u);
	free(png);
}

static void test_refusals(void **state)
{
	(void)state;
	char *svg = (char *)1;
	unsigned char *png = (unsigned char *)1;
	size_t len = 1;
	sy_err err;
	assert_int_equal(qr_svg("", &svg, &len, &err), SY_EINVAL);
	assert_null(svg);
	assert_string_equal(err.code, "qr_text");
	assert_int_equal(qr_svg(NULL, &svg, &len, &err), SY_EINVAL);
	static char big[QR_TEXT_MAX + 2];
	memset(big, 'A', sizeof big - 1);
	assert_int_equal(qr_svg(big, &svg, &len, &err), SY_EINVAL);
	assert_int_equal(qr_png(CODE, 0, &png, &len, &err), SY_EINVAL);
	assert_null(png);
	assert_int_equal(qr_png(CODE, QR_SCALE_MAX + 1, &png, &len, &err), SY_EINVAL);
	assert_string_equal(err.field, "scale");
	/* The largest scale still works. */
	assert_int_equal(qr_png("SY1:ABC", QR_SCALE_MAX, &png, &len, &err), SY_OK);
	free(png);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_svg),
		cmocka_unit_test(test_png),
		cmocka_unit_test(test_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
