#include "vocab.h"

#include <string.h>

const struct vocab vocab_branches[] = {
	{"army", "陆军"}, {"navy", "海军"}, {"air_force", "空军"}, {"rocket_force", "火箭军"},
	{"strategic_support", "战略支援部队"}, {"joint_logistics", "联勤保障部队"}, {"armed_police", "武警"},
	{"aerospace", "航天部队"}, {"cyberspace", "网络空间部队"}, {"information_support", "信息支援部队"},
	{NULL, NULL},
};

const struct vocab vocab_exit_modes[] = {
	{"retire", "退休"}, {"transfer", "转业"}, {"pension", "逐月领取退役金"}, {"self_employed", "自主就业"},
	{"demobilised", "复员"}, {"placed", "安排工作"}, {"supported", "供养"}, {NULL, NULL},
};

const struct vocab vocab_award_levels[] = {
	{"jiajiang", "嘉奖"}, {"merit_3", "三等功"}, {"merit_2", "二等功"}, {"merit_1", "一等功"},
	{"cmc_commendation", "中央军委通报表彰"}, {"army_commendation", "军委机关部门全军通报表彰"}, {NULL, NULL},
};

const struct vocab vocab_disability_causes[] = {
	{"combat", "因战"}, {"duty", "因公"}, {"illness", "因病"}, {NULL, NULL},
};

const struct vocab vocab_org_types[] = {
	{"unit", "驻军部队"}, {"department", "政府部门"}, {"merchant", "拥军商户"}, {"association", "拥军协会"},
	{"hospital", "医院"}, {"bank", "银行"}, {"school", "学校"}, {"employer", "用人单位"},
	{"training_base", "培训基地"}, {"supply_station", "军供站"}, {NULL, NULL},
};

const char *vocab_parse(const struct vocab *v, const char *s)
{
	for (; s && v->code; v++)
		if (strcmp(s, v->code) == 0 || strcmp(s, v->zh) == 0)
			return v->code;
	return NULL;
}

bool vocab_has(const struct vocab *v, const char *s)
{
	for (; s && v->code; v++)
		if (strcmp(s, v->code) == 0)
			return true;
	return false;
}
