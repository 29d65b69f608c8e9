/* catbits.c - category code ↔ e-card payload bit (see catbits.h). */
#include "catbits.h"

#include <stdio.h>
#include <string.h>

#include "modules/registry/people.h"

/*
 * Never renumber: codes signed with these bits are in people's pockets. The
 * names come from the registry's vocabulary, so they are written once.
 */
static const struct {
	const char *code;
	int bit;
} bits[] = {
	{"veteran", 0},
	{"disabled_veteran", 1},
	{"martyr_family", 2},
	{"duty_family", 3},
	{"illness_family", 4},
	{"active_duty", 5},
	{"military_family", 6},
	{"accompanying_spouse", 7},
	{"military_child", 8},
};
#define NBITS ((int)(sizeof bits / sizeof bits[0]))

int catbits_count(void)
{
	return NBITS;
}

const char *catbits_code_at(int i)
{
	return i >= 0 && i < NBITS ? bits[i].code : NULL;
}

int catbits_bit(const char *code)
{
	for (int i = 0; code && i < NBITS; i++)
		if (strcmp(code, bits[i].code) == 0)
			return bits[i].bit;
	return -1;
}

uint32_t catbits_from_list(const char *list, bool *unknown)
{
	uint32_t set = 0;
	char code[64];
	if (unknown)
		*unknown = false;
	for (const char *p = list ? list : ""; *p;) {
		size_t n = strcspn(p, ",");
		int bit = -1;
		if (n > 0 && n < sizeof code) {
			memcpy(code, p, n);
			code[n] = '\0';
			bit = catbits_bit(code);
		}
		if (bit >= 0)
			set |= UINT32_C(1) << bit;
		else if (n > 0 && unknown)
			*unknown = true;
		p += n + (p[n] == ',');
	}
	return set;
}

json_t *catbits_json(void)
{
	json_t *a = json_array();
	for (int i = 0; a && i < NBITS; i++) {
		json_t *o = json_pack("{s:i, s:I, s:s, s:s, s:s}", "bit", bits[i].bit, "mask",
				      (json_int_t)(UINT32_C(1) << bits[i].bit), "code", bits[i].code, "zh",
				      person_category_label(bits[i].code, false), "en",
				      person_category_label(bits[i].code, true));
		if (!o || json_array_append_new(a, o) != 0) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}
