/*
 * attachments.c - files uploaded to a case: checked by their first bytes
 * against the types the settings allow and by size, stored once on disk
 * under their SHA-256 (two uploads of one file share it), recorded with the
 * digest, served only to those who may see the case; and the materials a
 * step needs, satisfied by an attachment of that kind or held on record.
 */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/crypto.h"
#include "lib/paths.h"
#include "lib/timeutil.h"

static const char SQL_SETTINGS[] =
	"SELECT max_bytes, types, updated_by, updated_at FROM case_attachment_settings WHERE id = 1";
static const char SQL_SETTINGS_SET[] =
	"UPDATE case_attachment_settings SET max_bytes = $1, types = $2, updated_by = $3, updated_at = $4 WHERE id = 1";
static const char SQL_STEP_OF_CASE[] = "SELECT org_id FROM case_steps WHERE id = $2 AND case_id = $1";
static const char SQL_INSERT[] =
	"INSERT INTO case_attachments (case_id, step_id, material, filename, content_type, size_bytes, sha256,"
	" uploaded_by, uploaded_role, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id";
static const char SQL_GET[] =
	"SELECT filename, content_type, size_bytes, sha256 FROM case_attachments WHERE id = $2 AND case_id = $1";
static const char SQL_LIST[] =
	"SELECT a.id, a.step_id, s.step_code, a.material, a.filename, a.content_type, a.size_bytes, a.sha256,"
	" a.uploaded_by, a.uploaded_role, a.created_at FROM case_attachments a"
	" LEFT JOIN case_steps s ON s.id = a.step_id WHERE a.case_id = $1 ORDER BY a.id";
static const char SQL_HELD[] =
	"SELECT 1 FROM case_attachments WHERE case_id = $1 AND (step_id IS NULL OR step_id = $2) AND material = $3"
	" UNION ALL SELECT 1 FROM case_material_records WHERE case_id = $1 AND material = $3";
static const char SQL_RECORDS[] =
	"SELECT material, basis, created_at FROM case_material_records WHERE case_id = $1 ORDER BY material";
static const char SQL_RECORD_INSERT[] =
	"INSERT INTO case_material_records (case_id, material, basis, created_at) VALUES ($1, $2, $3, $4)";

static char attachment_dir[512] = "attachments";

void cases_configure(const char *dir, const char *db_url)
{
	if (dir && *dir)
		snprintf(attachment_dir, sizeof attachment_dir, "%s", dir);
	else if (!path_beside_db(db_url, "attachments", attachment_dir, sizeof attachment_dir))
		snprintf(attachment_dir, sizeof attachment_dir, "attachments");
}

const char *cases_attachment_dir(void)
{
	return attachment_dir;
}

/* ---- kinds of file, by their first bytes ---------------------------------------------- */

struct file_kind {
	const char *name, *mime, *ext;
	const unsigned char *magic;
	size_t nmagic;
};
static const struct file_kind kinds[] = {
	{"pdf", "application/pdf", "pdf", (const unsigned char *)"%PDF-", 5},
	{"jpeg", "image/jpeg", "jpg", (const unsigned char *)"\xff\xd8\xff", 3},
	{"png", "image/png", "png", (const unsigned char *)"\x89PNG\r\n\x1a\n", 8},
};
#define NKINDS ((int)(sizeof kinds / sizeof kinds[0]))

static const struct file_kind *sniff(const void *data, size_t len)
{
	for (int i = 0; i < NKINDS; i++)
		if (len >= kinds[i].nmagic && memcmp(data, kinds[i].magic, kinds[i].nmagic) == 0)
			return &kinds[i];
	return NULL;
}

/* Does the comma-separated list name the kind? */
static bool list_has(const char *list, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = list; p && *p;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len == n && strncmp(p, name, n) == 0)
			return true;
		p = end ? end + 1 : NULL;
	}
	return false;
}

/* The declared type, without parameters, agrees with the sniffed one (octet-stream says nothing). */
static bool declared_agrees(const char *declared, const struct file_kind *k)
{
	if (!declared || !*declared)
		return true;
	size_t n = strcspn(declared, "; ");
	if ((n == 24 && strncasecmp(declared, "application/octet-stream", n) == 0))
		return true;
	if (strcmp(k->name, "jpeg") == 0 && n == 9 && strncasecmp(declared, "image/jpg", n) == 0)
		return true;
	return strlen(k->mime) == n && strncasecmp(declared, k->mime, n) == 0;
}

/* ---- settings -------------------------------------------------------------------------------- */

struct limits {
	int64_t max_bytes;
	char types[64];
};

static sy_status load_limits(db *d, struct limits *l, json_t **out, sy_err *err)
{
	db_rows *r = NULL;
	sy_status st = db_query(d, SQL_SETTINGS, DB_NOARGS, &r, err);
	if (st)
		return st;
	if (!db_next(r)) {
		db_rows_free(r);
		return sy_failf(err, SY_EINTERNAL, "attachment_settings_missing", NULL, "附件设置缺失",
				"the attachment settings row is missing");
	}
	l->max_bytes = db_int(r, 0);
	snprintf(l->types, sizeof l->types, "%s", db_text(r, 1));
	if (out) {
		json_t *types = json_array(), *known = json_array();
		for (int i = 0; i < NKINDS; i++) {
			json_array_append_new(known, json_string(kinds[i].name));
			if (list_has(l->types, kinds[i].name))
				json_array_append_new(types, json_string(kinds[i].name));
		}
		*out = json_pack("{s:I, s:o, s:o, s:s?, s:s?}", "max_bytes", (json_int_t)l->max_bytes, "types", types,
				 "known_types", known, "updated_by", db_text(r, 2), "updated_at", db_text(r, 3));
	}
	db_rows_free(r);
	if (out && !*out)
		return cases_oom(err);
	return SY_OK;
}

sy_status cases_attachment_settings(db *d, json_t **out, sy_err *err)
{
	struct limits l;
	return load_limits(d, &l, out, err);
}

sy_status cases_attachment_settings_set(db *d, const struct principal *actor, int64_t max_bytes, const char *types,
					sy_err *err)
{
	char now[TIME_ISO_LEN], norm[64] = "";
	bool own;
	sy_status st;
	if (actor->role != ROLE_ADMIN)
		return sy_failf(err, SY_EFORBIDDEN, "forbidden", NULL, "仅管理员可修改附件设置",
				"only an admin may change the attachment settings");
	if (max_bytes <= 0)
		return sy_failf(err, SY_EINVAL, "invalid_max_bytes", "max_bytes", "附件大小上限应为正整数（字节）",
				"max_bytes must be a positive number of bytes");
	/* every name must be a known kind; stored in the table's order, without repeats */
	for (const char *p = types; p && *p;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		bool known = false;
		for (int i = 0; i < NKINDS; i++)
			known |= strlen(kinds[i].name) == len && strncmp(p, kinds[i].name, len) == 0;
		if (!known)
			return sy_failf(err, SY_EINVAL, "invalid_types", "types", "附件类型只能是 pdf、jpeg、png",
					"types must be among pdf, jpeg, png");
		p = end ? end + 1 : NULL;
	}
	for (int i = 0; i < NKINDS; i++)
		if (list_has(types, kinds[i].name))
			snprintf(norm + strlen(norm), sizeof norm - strlen(norm), "%s%s", norm[0] ? "," : "", kinds[i].name);
	if (!norm[0])
		return sy_failf(err, SY_EINVAL, "invalid_types", "types", "请至少允许一种附件类型",
				"allow at least one type");
	if ((st = db_tx_join(d, &own, err)))
		return st;
	time_now_iso(now);
	if (!(st = db_execp(d, SQL_SETTINGS_SET, DB_ARGS(DB_I(max_bytes), DB_T(norm), DB_T(actor->name), DB_T(now)),
			    NULL, err)))
		st = cases_audit(d, actor, "case.attachment_settings", "settings", "case_attachments", NULL,
				 json_pack("{s:I, s:s}", "max_bytes", (json_int_t)max_bytes, "types", norm), err);
	return db_tx_finish(d, own, st, err);
}

/* ---- storing ----------------------------------------------------------------------------------- */

static sy_status fail_storage(sy_err *err, const char *what)
{
	return sy_fail(err, SY_EINTERNAL, "attachment_storage", NULL, "附件无法保存（%s）", "the file could not be stored (%s)",
		       what, what);
}

static bool write_all(int fd, const unsigned char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

/*
 * Write the file as dir/<sha256> (a temporary file renamed into place, so a
 * reader never sees half a file). *created: false when it was there already.
 */
static sy_status store_file(const char *sha, const void *data, size_t len, bool *created, char *path, size_t cap,
			    sy_err *err)
{
	char tmp[600];
	struct stat sb;
	*created = false;
	if (mkdir(attachment_dir, 0750) != 0 && errno != EEXIST)
		return fail_storage(err, "mkdir");
	if ((size_t)snprintf(path, cap, "%s/%s", attachment_dir, sha) >= cap ||
	    (size_t)snprintf(tmp, sizeof tmp, "%s/.upload-XXXXXX", attachment_dir) >= sizeof tmp)
		return fail_storage(err, "path");
	if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode) && (uint64_t)sb.st_size == (uint64_t)len)
		return SY_OK;
	int fd = mkstemp(tmp);
	if (fd < 0)
		return fail_storage(err, "create");
	bool ok = fchmod(fd, 0640) == 0 && write_all(fd, data, len) && fsync(fd) == 0;
	ok = close(fd) == 0 && ok;
	if (!ok || rename(tmp, path) != 0) {
		unlink(tmp);
		return fail_storage(err, "write");
	}
	*created = true;
	return SY_OK;
}

static sy_status check_upload_input(const struct attachment_input *in, sy_err *err)
{
	sy_status st;
	if ((st = cases_check_text(in->filename, "name", "文件名", "file name", ATTACHMENT_NAME_CHARS, false, err)) ||
	    (st = cases_check_text(in->material, "material", "材料名称", "material", ATTACHMENT_MATERIAL_CHARS, false,
				   err)))
		return st;
	if (in->filename && strpbrk(in->filename, "/\\\""))
		return sy_failf(err, SY_EINVAL, "invalid_name", "name", "文件名不能含 / \\ \"",
				"the file name may not contain / \\ or \"");
	return SY_OK;
}

/* Who may add files: staff who may act in the case's region, the applicant, an organisation that sees it. */
static sy_status check_may_attach(const struct principal *actor, const struct case_scope *c, sy_err *err)
{
	if (actor->role == ROLE_AUDITOR)
		return sy_failf(err, SY_EFORBIDDEN, "forbidden", NULL, "您的角色不能上传附件", "your role may not upload files");
	if (strcmp(c->state, "open") != 0)
		return sy_failf(err, SY_ECONFLICT, "case_closed", NULL, "事项已办结，不能再上传附件",
				"the case is closed; no more files can be added");
	return SY_OK;
}

/* The checks that need no database: size and type by the first bytes. */
static sy_status check_file(const struct limits *l, const struct attachment_input *in, const struct file_kind **k,
			    sy_err *err)
{
	if (in->len == 0)
		return sy_failf(err, SY_EINVAL, "attachment_empty", NULL, "请上传文件（请求体为空）",
				"upload a file as the request body");
	if ((uint64_t)in->len > (uint64_t)l->max_bytes)
		return sy_fail(err, SY_ETOOLARGE, "attachment_too_large", NULL, "附件不能超过 %" PRId64 " 字节",
			       "a file may be at most %" PRId64 " bytes", l->max_bytes);
	*k = sniff(in->data, in->len);
	if (!*k || !list_has(l->types, (*k)->name))
		return sy_fail(err, SY_EMEDIA, "attachment_type_not_allowed", NULL, "只能上传以下类型的文件：%s",
			       "only these kinds of file may be uploaded: %s", l->types);
	if (!declared_agrees(in->declared, *k))
		return sy_fail(err, SY_EMEDIA, "attachment_type_mismatch", NULL, "文件内容是 %s，与声明的类型不符",
			       "the file is a %s, not the type it was declared as", (*k)->name);
	return SY_OK;
}

/* The step must be the case's; a department files only for the steps it handles. */
static sy_status check_step(db *d, const struct principal *actor, int64_t case_id, int64_t step_id, sy_err *err)
{
	int64_t org = 0;
	if (step_id <= 0)
		return SY_OK;
	sy_status st = db_query_int(d, SQL_STEP_OF_CASE, DB_ARGS(DB_I(case_id), DB_I(step_id)), &org, err);
	if (st == SY_ENOTFOUND)
		return sy_failf(err, SY_ENOTFOUND, "step_not_found", "step", "该事项没有这个环节", "no such step in this case");
	if (!st && actor->role == ROLE_DEPARTMENT && org != actor->org_id)
		return sy_failf(err, SY_EFORBIDDEN, "step_not_yours", "step", "该环节不由本部门办理",
				"this step is not handled by your department");
	return st;
}

sy_status cases_attach(db *d, const struct principal *actor, int64_t case_id, const struct attachment_input *in,
		       json_t **out, sy_err *err)
{
	struct case_scope c;
	struct limits l;
	const struct file_kind *k = NULL;
	char sha[CRYPTO_SHA256_HEX], path[600], now[TIME_ISO_LEN], cid[24], fallback[32];
	int64_t id = 0;
	bool own = false, created = false;
	sy_status st;
	if ((st = check_upload_input(in, err)) || (st = db_tx_join(d, &own, err)))
		return st;
	if ((st = case_in_scope(d, actor, case_id, &c, err)) || (st = check_may_attach(actor, &c, err)) ||
	    (st = check_step(d, actor, case_id, in->step_id, err)) || (st = load_limits(d, &l, NULL, err)) ||
	    (st = check_file(&l, in, &k, err)))
		goto out;
	crypto_sha256_hex(in->data, in->len, sha);
	if ((st = store_file(sha, in->data, in->len, &created, path, sizeof path, err)))
		goto out;
	snprintf(fallback, sizeof fallback, "attachment.%s", k->ext);
	const char *name = in->filename && *in->filename ? in->filename : fallback;
	const char *material = in->material && *in->material ? in->material : NULL;
	time_now_iso(now);
	if ((st = db_query_int(d, SQL_INSERT,
			       DB_ARGS(DB_I(case_id), DB_IDOPT(in->step_id), DB_T(material), DB_T(name), DB_T(k->mime),
				       DB_I((int64_t)in->len), DB_T(sha), DB_T(actor->name), DB_T(role_name(actor->role)),
				       DB_T(now)),
			       &id, err)))
		goto out;
	snprintf(cid, sizeof cid, "%" PRId64, case_id);
	st = cases_audit(d, actor, "case.attach", "case", cid, c.region,
			 json_pack("{s:I, s:o, s:s?, s:s, s:s, s:I, s:s}", "attachment_id", (json_int_t)id, "step_id",
				   in->step_id > 0 ? json_integer(in->step_id) : json_null(), "material", material,
				   "filename", name, "content_type", k->mime, "size", (json_int_t)in->len, "sha256", sha),
			 err);
	if (!st && !(*out = json_pack("{s:I, s:I, s:o, s:s?, s:s, s:s, s:I, s:s, s:s, s:s}", "id", (json_int_t)id,
				      "case_id", (json_int_t)case_id, "step_id",
				      in->step_id > 0 ? json_integer(in->step_id) : json_null(), "material", material,
				      "filename", name, "content_type", k->mime, "size", (json_int_t)in->len, "sha256",
				      sha, "uploaded_by", actor->name, "created_at", now)))
		st = cases_oom(err);
out:
	st = db_tx_finish(d, own, st, err);
	/* a file this request wrote and no row kept: another row may not name it, as it was new */
	if (st && created)
		unlink(path);
	return st;
}

/* ---- reading ------------------------------------------------------------------------------------ */

static sy_status attachment_not_found(sy_err *err)
{
	return sy_failf(err, SY_ENOTFOUND, "attachment_not_found", NULL, "附件不存在", "no such attachment");
}

sy_status cases_attachment_open(db *d, const struct principal *actor, int64_t case_id, int64_t id,
				struct attachment_file *f, sy_err *err)
{
	struct case_scope c;
	char path[600], sha[CRYPTO_SHA256_HEX];
	db_rows *r = NULL;
	struct stat sb;
	int64_t size = 0;
	sy_status st;
	f->fd = -1;
	if ((st = case_in_scope(d, actor, case_id, &c, err)) ||
	    (st = db_query(d, SQL_GET, DB_ARGS(DB_I(case_id), DB_I(id)), &r, err)))
		return st;
	bool found = db_next(r);
	if (found) {
		snprintf(f->filename, sizeof f->filename, "%s", db_text(r, 0));
		snprintf(f->content_type, sizeof f->content_type, "%s", db_text(r, 1));
		size = db_int(r, 2);
		snprintf(sha, sizeof sha, "%s", db_text(r, 3));
	}
	db_rows_free(r);
	if (!found)
		return attachment_not_found(err);
	if ((size_t)snprintf(path, sizeof path, "%s/%s", attachment_dir, sha) >= sizeof path)
		return fail_storage(err, "path");
	f->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (f->fd < 0 || fstat(f->fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size != size) {
		if (f->fd >= 0)
			close(f->fd);
		f->fd = -1;
		return sy_failf(err, SY_EINTERNAL, "attachment_file_missing", NULL, "附件文件缺失或已损坏",
				"the attachment's file is missing or damaged");
	}
	f->size = (uint64_t)size;
	return SY_OK;
}

sy_status case_material_held(db *d, int64_t case_id, int64_t step_id, const char *material, bool *held,
			     sy_err *err)
{
	db_rows *r = NULL;
	sy_status st = db_query(d, SQL_HELD, DB_ARGS(DB_I(case_id), DB_I(step_id), DB_T(material)), &r, err);
	if (st)
		return st;
	*held = db_next(r);
	db_rows_free(r);
	return SY_OK;
}

sy_status case_material_record(db *d, int64_t case_id, const char *material, const char *basis, sy_err *err)
{
	char now[TIME_ISO_LEN];
	time_now_iso(now);
	return db_execp(d, SQL_RECORD_INSERT, DB_ARGS(DB_I(case_id), DB_T(material), DB_T(basis), DB_T(now)), NULL, err);
}

/* The case page's "attachments" and "materials_on_record". */
sy_status case_attachments_json(db *d, int64_t case_id, json_t *page, sy_err *err)
{
	db_rows *r = NULL;
	json_t *list = json_array(), *records = json_array();
	json_object_set_new(page, "attachments", list);
	json_object_set_new(page, "materials_on_record", records);
	sy_status st = db_query(d, SQL_LIST, DB_ARGS(DB_I(case_id)), &r, err);
	if (st)
		return st;
	while (db_next(r))
		json_array_append_new(list, json_pack(
			"{s:I, s:o, s:s?, s:s?, s:s, s:s, s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)db_int(r, 0),
			"step_id", db_isnull(r, 1) ? json_null() : json_integer(db_int(r, 1)), "step", db_text(r, 2),
			"material", db_text(r, 3), "filename", db_text(r, 4), "content_type", db_text(r, 5), "size",
			(json_int_t)db_int(r, 6), "sha256", db_text(r, 7), "uploaded_by", db_text(r, 8), "uploaded_role",
			db_text(r, 9), "created_at", db_text(r, 10)));
	db_rows_free(r);
	if ((st = db_query(d, SQL_RECORDS, DB_ARGS(DB_I(case_id)), &r, err)))
		return st;
	while (db_next(r))
		json_array_append_new(records, json_pack("{s:s, s:s, s:s}", "material", db_text(r, 0), "basis",
							 db_text(r, 1), "created_at", db_text(r, 2)));
	db_rows_free(r);
	return SY_OK;
}
