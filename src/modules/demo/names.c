/*
 * names.c - deterministic randomness and Chinese personal names for the
 * demo data set. Nothing here is real data: the names are assembled from
 * common surnames and common given-name characters.
 */
#include "names.h"

#include <stdbool.h>
#include <stdio.h>

void demo_rng_seed(struct demo_rng *r, uint64_t seed)
{
	r->state = seed;
}

/* splitmix64 (Steele, Lea, Flood 2014): tiny, fast and well mixed even for
 * adjacent seeds, which is what "seed 1, seed 2" demo runs use. */
uint64_t demo_rng_next(struct demo_rng *r)
{
	uint64_t z = (r->state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Lemire's multiply-shift: no division and no modulo bias worth noticing
 * for n far below 2^32. */
uint32_t demo_rng_below(struct demo_rng *r, uint32_t n)
{
	return (uint32_t)(((demo_rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

int demo_rng_range(struct demo_rng *r, int lo, int hi)
{
	return lo + (int)demo_rng_below(r, (uint32_t)(hi - lo + 1));
}

double demo_rng_unit(struct demo_rng *r)
{
	return (double)(demo_rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

/*
 * Surnames with weights roughly proportional to their frequency in Hebei
 * (the national order of the 2020 census, tilted north: 张 王 李 刘 lead,
 * southern names such as 林 黄 陈 are rarer than nationally). Approximate:
 * they only need to make a list of names look like Cangzhou's.
 */
static const struct {
	const char *s;
	int w;
} surnames[] = {
	{"王", 760}, {"李", 740}, {"张", 720}, {"刘", 640}, {"杨", 320}, {"陈", 300},
	{"赵", 300}, {"孙", 190}, {"高", 190}, {"马", 170}, {"周", 150}, {"郭", 150},
	{"徐", 140}, {"吴", 130}, {"黄", 120}, {"韩", 120}, {"朱", 110}, {"宋", 110},
	{"于", 110}, {"胡", 100}, {"冯", 100}, {"董", 100}, {"田", 100}, {"梁", 90},
	{"郑", 90}, {"贾", 90}, {"曹", 80}, {"魏", 80}, {"崔", 80}, {"何", 70},
	{"许", 70}, {"吕", 60}, {"丁", 60}, {"杜", 60}, {"任", 60}, {"姜", 60},
	{"范", 60}, {"石", 60}, {"孟", 60}, {"林", 50}, {"罗", 50}, {"谢", 50},
	{"唐", 50}, {"程", 50}, {"袁", 50}, {"苏", 50}, {"卢", 50}, {"薛", 50},
	{"阎", 50}, {"白", 50}, {"齐", 50}, {"邢", 50}, {"侯", 50}, {"郝", 50},
	{"武", 50}, {"肖", 40}, {"姚", 40}, {"康", 40}, {"常", 40}, {"牛", 40},
	{"邓", 30}, {"沈", 30}, {"彭", 30}, {"蒋", 30}, {"蔡", 30}, {"潘", 30},
	{"戴", 30}, {"夏", 30}, {"尹", 30}, {"纪", 30}, {"傅", 20}, {"曾", 20},
	{"叶", 20}, {"边", 20},
};

/* Given names change with the generation: 建国 and 秀兰 are names of the
 * 1940s–60s, 浩然 and 梓涵 of the 1990s–2000s. */
#define POOL(...) {(const char *const[]){__VA_ARGS__}, \
		   (int)(sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *))}
struct pool {
	const char *const *v;
	int n;
};

static const struct pool male_old_1 = POOL(
	"军", "勇", "刚", "强", "明", "平", "斌", "华", "杰", "林", "忠", "成", "山", "海", "东",
	"国", "文", "武", "祥", "福");
static const struct pool male_old_2 = POOL(
	"建国", "国庆", "卫东", "建军", "志刚", "振华", "国强", "建华", "学军", "爱国", "胜利",
	"保国", "德胜", "长江", "建设", "永刚", "玉山", "树林", "金山", "俊峰", "春生", "海军",
	"立新", "红旗", "庆林", "宝华", "振江", "连生", "凤岐", "文忠", "志强", "建平");
static const struct pool male_new_1 = POOL(
	"磊", "伟", "涛", "鹏", "超", "强", "杰", "斌", "浩", "帅", "鑫", "博", "阳", "宇",
	"凯", "龙", "亮", "健", "翔", "旭");
static const struct pool male_new_2 = POOL(
	"浩然", "子轩", "宇航", "俊杰", "浩宇", "志强", "明轩", "博文", "嘉豪", "天佑", "晨阳",
	"一鸣", "家乐", "鹏飞", "子豪", "思远", "泽宇", "文博", "皓轩", "雨泽", "建伟", "海涛",
	"晓东", "立伟", "振宇", "国栋", "永强", "伟东", "志军", "金龙");
static const struct pool female_old_1 = POOL(
	"英", "兰", "芳", "霞", "红", "梅", "萍", "华", "玲", "敏", "琴", "娟", "珍", "云", "凤");
static const struct pool female_old_2 = POOL(
	"秀兰", "桂英", "淑珍", "秀英", "玉兰", "桂兰", "凤英", "秀珍", "淑兰", "玉梅", "秀芳",
	"丽华", "红梅", "素芬", "金凤", "春梅", "秀云", "桂芝", "淑华", "玉珍", "凤兰", "淑芬",
	"丽萍", "建华", "爱华", "美荣");
static const struct pool female_new_1 = POOL(
	"静", "丽", "敏", "燕", "娜", "婷", "颖", "璐", "倩", "洁", "琳", "芳", "雪", "丹", "霞");
static const struct pool female_new_2 = POOL(
	"欣怡", "梓涵", "诗琪", "雨桐", "佳怡", "婉清", "思雨", "若曦", "一诺", "晓雪", "梦瑶",
	"丽娜", "静怡", "雅琪", "文静", "晓燕", "海燕", "丹丹", "婷婷", "倩倩", "晓丽", "春燕",
	"亚楠", "慧敏");

static const char *pick_surname(struct demo_rng *r)
{
	int total = 0; /* summed each time: cheap, and no shared state between threads */
	for (size_t i = 0; i < sizeof surnames / sizeof surnames[0]; i++)
		total += surnames[i].w;
	int x = (int)demo_rng_below(r, (uint32_t)total);
	size_t i = 0;
	while (x >= surnames[i].w) {
		x -= surnames[i].w;
		i++;
	}
	return surnames[i].s;
}

static const char *pick(struct demo_rng *r, const struct pool *p)
{
	return p->v[demo_rng_below(r, (uint32_t)p->n)];
}

void demo_name(struct demo_rng *r, char sex, int birth_year, char out[DEMO_NAME_MAX])
{
	bool old = birth_year < 1975;
	const char *sur = pick_surname(r);
	/* About three in ten given names are one character. */
	bool one = demo_rng_below(r, 10) < 3;
	const struct pool *p;
	if (sex == 'M')
		p = old ? (one ? &male_old_1 : &male_old_2) : (one ? &male_new_1 : &male_new_2);
	else
		p = old ? (one ? &female_old_1 : &female_old_2) : (one ? &female_new_1 : &female_new_2);
	snprintf(out, DEMO_NAME_MAX, "%s%s", sur, pick(r, p));
}
