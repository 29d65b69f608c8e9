/*
 * demo_batch.c - the demo's 阳光安置 batch: 新华区, 2022, drawn from the
 * veterans the demo loader made (discharged in September 2022, so the 2018
 * table applies), their education completed as an officer would, ten posts,
 * published (公示) so `make run` shows the whole flow from the 公示 on.
 *
 * years.exact_6_months stays unset (domain.md does not say): the demo's
 * service lengths never end exactly six months past a whole year, so the
 * batch scores without it (docs/placement.md).
 */
#include <stdio.h>
#include <string.h>

#include "batches.h"
#include "placement.h"

static const struct {
	const char *employer, *title, *min_education;
	int places;
} demo_posts[] = {
	{"新华区城市管理综合行政执法局", "执法辅助岗", "senior", 2},
	{"新华区退役军人服务中心", "服务专员", "college", 2},
	{"新华区人民医院", "后勤管理岗", "senior", 1},
	{"新华区应急管理局", "应急值守岗", "senior", 2},
	{"新华区市场监督管理局", "综合管理岗", "bachelor", 1},
	{"新华区供水公司", "运行维护岗", "none", 2},
	{"新华区公路养护中心", "养护岗", "none", 2},
	{"新华区人民武装部", "民兵训练岗", "college", 1},
	{"新华区档案馆", "档案管理岗", "bachelor", 1},
	{"新华区园林绿化中心", "绿化管理岗", "none", 2},
};

/* The education an officer entered from each candidate's certificates (by candidate order). */
static const char *const demo_education[] = {"senior", "college", "senior", "bachelor", "none", "senior", "college"};

sy_status placement_demo(db *d, const struct principal *actor, int year, const char *region, const char *from,
			 const char *to, sy_err *err)
{
	struct batch_input in = {.year = year, .region_code = region, .name = NULL, .mode = "live",
				 .absence_rule = "skip_to_end", .tie_break = "service_longer,older",
				 .publicity_days = 7, .objection_days = 5, .discharged_from = from, .discharged_to = to};
	char name[64];
	int64_t id, pid;
	int added = 0;
	json_t *b = NULL, *out = NULL;
	snprintf(name, sizeof name, "%d年度新华区退役士兵阳光安置", year);
	in.name = name;
	sy_status st = batch_create(d, actor, &in, &id, err);
	if (!st)
		st = batch_draw(d, actor, id, &added, err);
	if (!st)
		st = batch_get(d, actor, id, &b, err);
	size_t i;
	json_t *c;
	json_array_foreach(st ? NULL : json_object_get(b, "candidates"), i, c) {
		json_t *ch = json_pack("{s:s}", "education", demo_education[i % (sizeof demo_education / sizeof *demo_education)]);
		st = ch ? batch_candidate_update(d, actor, id, json_integer_value(json_object_get(c, "id")), ch, NULL, err)
			: SY_ENOMEM;
		json_decref(ch);
		if (st)
			break;
	}
	for (size_t k = 0; !st && k < sizeof demo_posts / sizeof demo_posts[0]; k++) {
		struct post_input p = {.employer = demo_posts[k].employer, .title = demo_posts[k].title,
				       .places = demo_posts[k].places, .min_education = demo_posts[k].min_education};
		st = batch_add_post(d, actor, id, &p, &pid, err);
	}
	if (!st)
		st = batch_publish(d, actor, id, "首次公示", &out, err);
	json_decref(b);
	json_decref(out);
	return st;
}
