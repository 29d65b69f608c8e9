/*
 * import.h - bringing records in from the spreadsheets bureaus already keep:
 * CSV (UTF-8 with or without BOM, or GB18030/GBK as Chinese Excel and WPS
 * save it) or .xlsx. A preview lists every problem by row, column and
 * reason; a commit writes the valid rows in one transaction, and the
 * rejected rows come back as a file to fix and import again.
 *
 * What is imported is a kind (people, service records, organisations): a
 * table of columns and three callbacks. The file handling, the report, the
 * rejected file, the transaction and the audit row are the same for all.
 */
#ifndef SY_IMPORT_H
#define SY_IMPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "db/db.h"
#include "db/scope.h"
#include "lib/timeutil.h"

#define IMPORT_MAX_PROBLEMS_LISTED 1000
#define IMPORT_MAX_COLUMNS 16
#define IMPORT_CELL_MAX 256

struct import_options {
	bool commit;          /* false: preview only, nothing is written */
	bool update_existing; /* a record already present: update it, else skip it */
	const char *filename; /* for the audit row and the format guess */
	const char *digest;   /* SHA-256 of the upload, for the audit row (may be NULL) */
};

struct import_report {
	size_t rows;      /* data rows read (blank rows not counted) */
	size_t valid, invalid;
	size_t existing;  /* valid rows whose record is already present */
	size_t inserted, updated, skipped;
	const char *format; /* "csv-utf8", "csv-utf8-bom", "csv-gb18030", "xlsx" */
	json_t *problems; /* [{"row","column","field","code","message_zh","message_en"}], first IMPORT_MAX_PROBLEMS_LISTED */
	char *rejected;   /* the rejected rows as CSV (the file's own columns + 错误原因), malloc'd */
	size_t rejected_len;
};

enum import_column_flags {
	IMPORT_REQUIRED = 1,  /* the file must have the column (a row may still leave it blank) */
	IMPORT_ID_NUMBER = 2, /* a 身份证号: a cell Excel turned into a number is refused by name */
};

struct import_column {
	const char *field;    /* the API's name for it, as problems report it */
	const char *names[6]; /* the header names accepted; the first is the template's */
	unsigned flags;
	const char *example;  /* the template's example value */
};

/* One data row, its cells in the kind's column order; NULL when blank or absent. */
struct import_row {
	const char *cell[IMPORT_MAX_COLUMNS];
	size_t line;
};

/* What every kind's callbacks get: the import under way. */
struct import_ctx {
	db *d;
	const struct principal *actor;
	const struct import_options *opt;
	struct import_report *rep;
	char now[TIME_ISO_LEN];
	size_t rows_hint; /* at most this many rows (CSV lines); 0 when unknown */
	void *state;      /* the kind's own, state_size bytes, zeroed */
};

struct import_kind {
	const char *name;     /* "people": the route /api/v1/imports/people, the audit action people.import */
	const char *label_zh; /* 人员 */
	const struct import_column *columns;
	int ncolumns;
	size_t state_size;
	/*
	 * Each row written under its own savepoint: a row the domain refuses
	 * while writing (a check that needs the database) is rejected alone.
	 * For kinds that write through the audited domain functions, row by row;
	 * the people import, which must be fast, checks everything up front.
	 */
	bool row_savepoint;
	/* Load what checking rows needs, once, not per row; with commit, inside the transaction (may be NULL). */
	sy_status (*begin)(struct import_ctx *c, sy_err *err);
	/*
	 * Check one row and, with commit, write it. A bad row: *row_bad and the
	 * reason in e (the row is rejected, the import goes on). A failure with
	 * !*row_bad is the database's: the whole import is undone.
	 */
	sy_status (*row)(struct import_ctx *c, const struct import_row *row, sy_err *e, bool *row_bad);
	/* With commit, after the last row, inside the transaction (may be NULL). */
	sy_status (*finish)(struct import_ctx *c, sy_err *err);
	/* Free the state (may be NULL). */
	void (*end)(struct import_ctx *c);
};

extern const struct import_kind import_people_kind;
extern const struct import_kind import_service_kind;
extern const struct import_kind import_orgs_kind;

/*
 * Kinds from other modules (the merchants module's "merchants"): the app
 * adds them once at start-up, before serving; the registry's own are built
 * in. false when the table is full or the name is taken.
 */
bool import_kind_add(const struct import_kind *kind);
/* The kind named name ("people", "service", "orgs", and those added); NULL when none. */
const struct import_kind *import_kind_find(const char *name);

/*
 * Read buf (the whole upload), check every row, and with commit write the
 * valid ones. A fatal problem with the file itself (unreadable, a required
 * column missing) fails the call; a bad row is a problem in the report.
 * Free the report with import_report_free.
 */
sy_status registry_import(db *d, const struct principal *actor, const struct import_kind *kind,
			  const char *buf, size_t len, const struct import_options *opt,
			  struct import_report *rep, sy_err *err);
void import_report_free(struct import_report *rep);
/* The report as the API shows it (problems borrowed by reference). */
json_t *import_report_json(const struct import_report *rep);

/* ---- for the kinds ---- */

/* 身份证号 → id and region, for records already present (open addressing). */
struct id_map {
	struct id_slot {
		char key[19];
		int64_t id;
		char region[REGION_CODE_MAX];
	} *slot;
	size_t cap, n;
};
/* The slot of key; with insert, a new zeroed one when absent (NULL when out of memory). */
struct id_slot *import_map_find(struct id_map *m, const char *key, bool insert);
/* Every registered person: 身份证号 → id, region. */
sy_status import_map_load_people(db *d, struct id_map *m, sy_err *err);
void import_map_free(struct id_map *m);

sy_status import_out_of_memory(sy_err *e);
/*
 * A valid row whose record is already present: counts it as existing and,
 * unless the import updates existing records, as skipped. true: skipped,
 * the row is done.
 */
bool import_skip_existing(struct import_ctx *c);
/* A map key for a tuple of texts (a 64-bit hash in hex): for "seen in this file" checks. */
void import_key(const char *const *parts, int n, char key[19]);
/* A number cell ("39.5") as a double; field names the column. */
sy_status import_parse_number(const char *s, const char *field, double *out, sy_err *err);
/* Coordinates from two cells that go together. */
sy_status import_parse_coords(const char *lat, const char *lon, bool *has, double *la, double *lo,
			      sy_err *err);
/* The association a 所属协会 cell names: one the actor may see, by its exact name (400 naming "association"). */
sy_status import_find_association(struct import_ctx *c, const char *name, int64_t *id, sy_err *e);
/* With commit: make org a member of the association; one already a member stays one. */
sy_status import_join_association(struct import_ctx *c, int64_t association, int64_t org, sy_err *e);
/* A date as people type it (2010-12-01, 2010/12/1, 2010.12.1, 2010年12月1日) as YYYY-MM-DD. */
sy_status import_parse_date(const char *s, const char *field, char out[11], sy_err *err);

#endif
