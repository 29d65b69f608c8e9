/*
 * import.c - the import kind "merchants": the 拥军商户 a county or an
 * association keeps in a spreadsheet, each an organisation (registry) with
 * its network profile (this module). It lives here, not in the registry,
 * because the profile is this module's; the registry's engine reads the
 * file, reports problems by row and column, and runs the transaction.
 *
 * One name in one region is one organisation: a row naming one already
 * registered is reported as existing and skipped, or with on_existing=update
 * its details and profile are updated (a candidate or one that left joins
 * when the row says member). A member cannot be made a candidate by a file:
 * such a row is refused by name. A 所属协会 column makes it a member of that
 * association, as the organisations import does.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "circle.h"
#include "internal.h"
#include "modules/registry/import.h"
#include "modules/registry/orgs.h"

static const char SQL_PROFILE_STATUS[] = "SELECT status FROM merchant_profiles WHERE org_id = $1";

enum { C_NAME, C_REGION, C_ADDRESS, C_LAT, C_LON, C_CATEGORY, C_HOURS, C_PLAQUE, C_STATUS, C_CONTACT,
       C_CONTACT_PHONE, C_ASSOCIATION, NCOLS };

static const struct import_column columns[NCOLS] = {
	[C_NAME] = {"name", {"名称", "商户名称", "单位名称", "name"}, IMPORT_REQUIRED, "沧州拥军超市"},
	[C_REGION] = {"region_code", {"地区代码", "所在地区代码", "region_code"}, IMPORT_REQUIRED, "130902"},
	[C_ADDRESS] = {"address", {"地址", "address"}, 0, "新华区解放西路8号"},
	[C_LAT] = {"lat", {"纬度", "lat"}, 0, "38.3045"},
	[C_LON] = {"lon", {"经度", "lon"}, 0, "116.8387"},
	[C_CATEGORY] = {"category", {"行业类别", "类别", "商户类别", "category"}, 0, "超市便利"},
	[C_HOURS] = {"opening_hours", {"营业时间", "opening_hours"}, 0, "周一至周日 08:00-21:00"},
	[C_PLAQUE] = {"plaque_no", {"牌匾编号", "挂牌编号", "plaque_no"}, 0, "CZYJ-2026-0001"},
	[C_STATUS] = {"status", {"状态", "status"}, 0, "成员"},
	[C_CONTACT] = {"contact_name", {"联系人", "contact_name"}, 0, "李红"},
	[C_CONTACT_PHONE] = {"contact_phone", {"联系电话", "联系人电话", "contact_phone"}, 0, "13800001234"},
	[C_ASSOCIATION] = {"association", {"所属协会", "association"}, 0, NULL},
};

struct state {
	struct id_map seen;   /* (region, name) of the file's rows → row */
	struct id_map plaque; /* plaque numbers of the file's rows → row */
	bool changed;         /* something was written: nearby search must reload */
};

static void merchants_import_end(struct import_ctx *c)
{
	struct state *s = c->state;
	/* After the engine's commit (end runs last): nearby search reloads the network. */
	if (s->changed)
		circle_invalidate();
	import_map_free(&s->seen);
	import_map_free(&s->plaque);
}

/* member (成员, 会员, 已挂牌) or candidate (候选, 拟发展); blank is member. */
static sy_status parse_status(const char *cell, const char **out, sy_err *e)
{
	static const struct {
		const char *word, *code;
	} words[] = {{"member", "member"},       {"成员", "member"},    {"会员", "member"},
		     {"已挂牌", "member"},       {"candidate", "candidate"}, {"候选", "candidate"},
		     {"拟发展", "candidate"}};
	*out = "member";
	if (!cell)
		return SY_OK;
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strcmp(cell, words[i].word) == 0) {
			*out = words[i].code;
			return SY_OK;
		}
	return sy_fail(e, SY_EINVAL, "invalid_status", "status", "状态无效：%s（成员、候选）",
		       "unknown status: %s (member, candidate)", cell);
}

static struct org_field given(const char *cell)
{
	return (struct org_field){.set = cell != NULL, .value = cell};
}

/* The row as an organisation and a profile; every check that needs no write. */
static sy_status parse_row(struct import_ctx *c, const struct import_row *row, struct org_input *org,
			   struct merchant_input *m, sy_err *e)
{
	const char *const *v = row->cell;
	sy_status st;
	*org = (struct org_input){.name = given(v[C_NAME]), .type = {true, "merchant"}, .region_code = given(v[C_REGION]),
				  .address = given(v[C_ADDRESS]), .contact_name = given(v[C_CONTACT]),
				  .contact_phone = given(v[C_CONTACT_PHONE])};
	*m = (struct merchant_input){.opening_hours = v[C_HOURS], .plaque_no = v[C_PLAQUE]};
	if ((st = import_parse_coords(v[C_LAT], v[C_LON], &org->has_coords, &org->lat, &org->lon, e)))
		return st;
	org->coords_set = org->has_coords;
	if (v[C_CATEGORY] && !(m->category = vocab_parse(vocab_merchant_categories, v[C_CATEGORY])))
		return sy_fail(e, SY_EINVAL, "invalid_category", "category", "行业类别无效：%s", "unknown category: %s",
			       v[C_CATEGORY]);
	if ((st = parse_status(v[C_STATUS], &m->status, e)))
		return st;
	return registry_org_validate(c->d, c->actor, org, true, e);
}

/* The file's own duplicates: the same organisation, or the same plaque, twice. */
static sy_status check_file(struct state *s, const struct import_row *row, const struct org_input *org,
			    const struct merchant_input *m, sy_err *e)
{
	char key[19];
	const char *parts[] = {org->region_code.value, org->name.value};
	import_key(parts, 2, key);
	struct id_slot *dup = import_map_find(&s->seen, key, false);
	if (dup)
		return sy_fail(e, SY_EINVAL, "duplicate_in_file", "name", "与第 %" PRId64 " 行是同一地区的同名商户",
			       "the same name and region as row %" PRId64, dup->id);
	if (m->plaque_no) {
		const char *plaque[] = {m->plaque_no};
		import_key(plaque, 1, key);
		if ((dup = import_map_find(&s->plaque, key, false)))
			return sy_fail(e, SY_EINVAL, "duplicate_in_file", "plaque_no", "与第 %" PRId64 " 行的牌匾编号相同",
				       "the same plaque number as row %" PRId64, dup->id);
		if (!(dup = import_map_find(&s->plaque, key, true)))
			return import_out_of_memory(e);
		dup->id = (int64_t)row->line;
	}
	import_key(parts, 2, key);
	if (!(dup = import_map_find(&s->seen, key, true)))
		return import_out_of_memory(e);
	dup->id = (int64_t)row->line;
	return SY_OK;
}

/* The registered organisation of this name in the region (0: none) and its profile's status ("" none). */
static sy_status find_existing(struct import_ctx *c, const struct org_input *org, int64_t *id, char status[16],
			       sy_err *e)
{
	db_rows *r = NULL;
	status[0] = 0;
	*id = 0;
	sy_status st = registry_org_find_by_name(c->d, org->region_code.value, org->name.value, id, e);
	if (st == SY_ENOTFOUND)
		return SY_OK;
	if (st || (st = db_query(c->d, SQL_PROFILE_STATUS, DB_ARGS(DB_I(*id)), &r, e)))
		return st;
	if (db_next(r))
		snprintf(status, 16, "%s", db_text(r, 0));
	db_rows_free(r);
	return SY_OK;
}

/* An existing organisation: its details, then its profile — join, or update a member's. */
static sy_status update_existing(struct import_ctx *c, int64_t id, const char *status, struct org_input *org,
				 struct merchant_input *m, sy_err *e)
{
	sy_status st;
	org->name.set = org->region_code.set = org->type.set = false; /* what found it, and its kind, stay */
	if ((st = registry_org_update(c->d, c->actor, id, org, e)))
		return st;
	if (strcmp(status, "member") == 0)
		return merchants_update(c->d, c->actor, id, m, e);
	if (strcmp(m->status, "candidate") == 0 && status[0])
		return SY_OK; /* already a candidate (or left): nothing to join */
	return merchants_join(c->d, c->actor, id, m, e);
}

static sy_status merchants_import_row(struct import_ctx *c, const struct import_row *row, sy_err *e, bool *row_bad)
{
	struct state *s = c->state;
	struct org_input org;
	struct merchant_input m;
	int64_t existing, association = 0, id;
	char status[16];
	sy_status st;
	*row_bad = true;
	if ((st = parse_row(c, row, &org, &m, e)) ||
	    (row->cell[C_ASSOCIATION] && (st = import_find_association(c, row->cell[C_ASSOCIATION], &association, e))) ||
	    (st = find_existing(c, &org, &existing, status, e)))
		return st;
	if (strcmp(status, "member") == 0) {
		if (strcmp(m.status, "candidate") == 0)
			return sy_failf(e, SY_EINVAL, "already_member", "status", "该商户已是拥军商户，不能经导入改为候选",
					"already a member: an import does not make it a candidate");
		m.status = NULL; /* a member stays one: a blank plaque keeps the one it has */
	}
	if ((st = merchants_validate(c->d, existing, &m, e)))
		return st;
	if ((st = check_file(s, row, &org, &m, e)))
		return st;
	*row_bad = false; /* from here on a failure is the database's, or the row's own under its savepoint */
	if (existing) {
		if (import_skip_existing(c))
			return SY_OK;
		if (c->opt->commit && ((st = update_existing(c, existing, status, &org, &m, e)) ||
				       (association && (st = import_join_association(c, association, existing, e)))))
			return st;
		c->rep->updated++;
		s->changed = s->changed || c->opt->commit;
		return SY_OK;
	}
	if (c->opt->commit && ((st = registry_org_create(c->d, c->actor, &org, &id, e)) ||
			       (st = merchants_join(c->d, c->actor, id, &m, e)) ||
			       (association && (st = import_join_association(c, association, id, e)))))
		return st;
	c->rep->inserted++;
	s->changed = s->changed || c->opt->commit;
	return SY_OK;
}

const struct import_kind merchants_import_kind = {
	.name = "merchants", .label_zh = "拥军商户", .columns = columns, .ncolumns = NCOLS,
	.state_size = sizeof(struct state),
	.row_savepoint = true, .row = merchants_import_row, .end = merchants_import_end,
};
