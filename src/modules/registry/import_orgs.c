/*
 * import_orgs.c - organisations from a spreadsheet: the merchants that sign
 * up to serve card holders, the member units an association brings, the
 * employers and schools of a county. One name in one region is one
 * organisation: a row naming one already present is skipped or updated as
 * asked, never added twice. A 所属协会 column makes the row's organisation a
 * member of that association.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "import.h"
#include "orgs.h"
#include "vocab.h"

static const char SQL_ASSOCIATIONS_NAMED[] =
	"SELECT id, region_code FROM orgs WHERE type = 'association' AND name = $1 ORDER BY id";

enum { C_NAME, C_TYPE, C_REGION, C_ADDRESS, C_PHONE, C_LAT, C_LON, C_CONTACT, C_CONTACT_PHONE, C_NOTE,
       C_ASSOCIATION, NCOLS };

static const struct import_column columns[NCOLS] = {
	[C_NAME] = {"name", {"名称", "机构名称", "单位名称", "商户名称", "name"}, IMPORT_REQUIRED, "沧州拥军超市"},
	[C_TYPE] = {"type", {"类型", "机构类型", "type"}, IMPORT_REQUIRED, "拥军商户"},
	[C_REGION] = {"region_code", {"地区代码", "所在地区代码", "region_code"}, IMPORT_REQUIRED, "130902"},
	[C_ADDRESS] = {"address", {"地址", "address"}, 0, "新华区解放西路8号"},
	[C_PHONE] = {"phone", {"电话", "单位电话", "phone"}, 0, "0317-2012345"},
	[C_LAT] = {"lat", {"纬度", "lat"}, 0, "38.3045"},
	[C_LON] = {"lon", {"经度", "lon"}, 0, "116.8387"},
	[C_CONTACT] = {"contact_name", {"联系人", "contact_name"}, 0, "李红"},
	[C_CONTACT_PHONE] = {"contact_phone", {"联系电话", "联系人电话", "contact_phone"}, 0, "13800001234"},
	[C_NOTE] = {"note", {"备注", "note"}, 0, NULL},
	[C_ASSOCIATION] = {"association", {"所属协会", "association"}, 0, NULL}, /* a city association is not every officer's to name */
};

struct orgs_state {
	struct id_map seen; /* (region, name) of the file's rows: a hash of the pair → row */
};

static void orgs_end(struct import_ctx *c)
{
	struct orgs_state *s = c->state;
	import_map_free(&s->seen);
}

/* A field the row gives (blank cells are not given: an update leaves them as they are). */
static struct org_field given(const char *cell)
{
	return (struct org_field){.set = cell != NULL, .value = cell};
}

static sy_status parse_input(const struct import_row *row, struct org_input *in, sy_err *e)
{
	const char *const *v = row->cell;
	sy_status st;
	*in = (struct org_input){
		.name = given(v[C_NAME]), .type = given(v[C_TYPE]), .region_code = given(v[C_REGION]),
		.address = given(v[C_ADDRESS]), .phone = given(v[C_PHONE]), .note = given(v[C_NOTE]),
		.contact_name = given(v[C_CONTACT]), .contact_phone = given(v[C_CONTACT_PHONE]),
	};
	if (v[C_TYPE] && !(in->type.value = vocab_parse(vocab_org_types, v[C_TYPE])))
		return sy_fail(e, SY_EINVAL, "invalid_org_type", "type",
			       "机构类型无效：%s（驻军部队、政府部门、拥军商户、拥军协会、医院、银行、学校、用人单位、培训基地、军供站）",
			       "unknown organisation type: %s", v[C_TYPE]);
	if ((st = import_parse_coords(v[C_LAT], v[C_LON], &in->has_coords, &in->lat, &in->lon, e)))
		return st;
	in->coords_set = in->has_coords;
	return SY_OK;
}

sy_status import_find_association(struct import_ctx *c, const char *name, int64_t *id, sy_err *e)
{
	db_rows *r = NULL;
	int found = 0;
	sy_status st = db_query(c->d, SQL_ASSOCIATIONS_NAMED, DB_ARGS(DB_T(name)), &r, e);
	if (st)
		return st;
	while (db_next(r))
		if (scope_region_allows(c->actor, db_text(r, 1)) && found++ == 0)
			*id = db_int(r, 0);
	db_rows_free(r);
	if (found == 1)
		return SY_OK;
	return found ? sy_fail(e, SY_EINVAL, "association_ambiguous", "association",
			       "有多个名为“%s”的协会，请在机构页面逐个加入", "more than one association is named %s", name)
		     : sy_fail(e, SY_EINVAL, "association_not_found", "association", "未找到协会：%s",
			       "no association named %s", name);
}

sy_status import_join_association(struct import_ctx *c, int64_t association, int64_t org, sy_err *e)
{
	sy_status st = registry_org_member_add(c->d, c->actor, association, org, e);
	/* a pre-check refused it, no statement failed: the transaction goes on */
	return st == SY_ECONFLICT && strcmp(e->code, "already_member") == 0 ? SY_OK : st;
}

static sy_status orgs_row(struct import_ctx *c, const struct import_row *row, sy_err *e, bool *row_bad)
{
	struct orgs_state *s = c->state;
	struct org_input in;
	const char *const *v = row->cell;
	int64_t existing = 0, association = 0, id;
	char key[19];
	sy_status st;
	*row_bad = true;
	if ((st = parse_input(row, &in, e)) || (st = registry_org_validate(c->d, c->actor, &in, true, e)) ||
	    (v[C_ASSOCIATION] && (st = import_find_association(c, v[C_ASSOCIATION], &association, e))))
		return st;
	const char *parts[] = {in.region_code.value, in.name.value};
	import_key(parts, 2, key);
	struct id_slot *dup = import_map_find(&s->seen, key, false);
	if (dup)
		return sy_fail(e, SY_EINVAL, "duplicate_in_file", "name", "与第 %" PRId64 " 行是同一地区的同名机构",
			       "the same name and region as row %" PRId64, dup->id);
	if (!(dup = import_map_find(&s->seen, key, true)))
		return import_out_of_memory(e);
	dup->id = (int64_t)row->line;
	*row_bad = false; /* from here on a failure is the database's */
	st = registry_org_find_by_name(c->d, in.region_code.value, in.name.value, &existing, e);
	if (st && st != SY_ENOTFOUND)
		return st;
	if (existing) {
		if (import_skip_existing(c))
			return SY_OK;
		in.name.set = in.region_code.set = false; /* what found it stays */
		if (c->opt->commit && ((st = registry_org_update(c->d, c->actor, existing, &in, e)) ||
				       (association && (st = import_join_association(c, association, existing, e)))))
			return st;
		c->rep->updated++;
		return SY_OK;
	}
	if (c->opt->commit && ((st = registry_org_create(c->d, c->actor, &in, &id, e)) ||
			       (association && (st = import_join_association(c, association, id, e)))))
		return st;
	c->rep->inserted++;
	return SY_OK;
}

const struct import_kind import_orgs_kind = {
	.name = "orgs", .label_zh = "机构", .columns = columns, .ncolumns = NCOLS,
	.state_size = sizeof(struct orgs_state),
	.row_savepoint = true, .row = orgs_row, .end = orgs_end,
};
