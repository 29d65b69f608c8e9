/*
 * import.h - bringing people in from the spreadsheets bureaus already keep:
 * CSV (UTF-8 with or without BOM, or GB18030/GBK as Chinese Excel and WPS
 * save it) or .xlsx. A preview lists every problem by row, column and
 * reason; a commit writes the valid rows in one transaction, and the
 * rejected rows come back as a file to fix and import again.
 */
#ifndef SY_IMPORT_H
#define SY_IMPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "db/db.h"
#include "db/scope.h"

#define IMPORT_MAX_PROBLEMS_LISTED 1000

struct import_options {
	bool commit;          /* false: preview only, nothing is written */
	bool update_existing; /* a person already registered (same 身份证号): update, else skip */
	const char *filename; /* for the audit row and the format guess */
	const char *digest;   /* SHA-256 of the upload, for the audit row (may be NULL) */
};

struct import_report {
	size_t rows;      /* data rows read (blank rows not counted) */
	size_t valid, invalid;
	size_t existing;  /* valid rows whose person is already registered */
	size_t inserted, updated, skipped;
	const char *format; /* "csv-utf8", "csv-utf8-bom", "csv-gb18030", "xlsx" */
	json_t *problems; /* [{"row","column","field","code","message_zh","message_en"}], first IMPORT_MAX_PROBLEMS_LISTED */
	char *rejected;   /* the rejected rows as CSV (the file's own columns + 错误原因), malloc'd */
	size_t rejected_len;
};

/*
 * Read buf (the whole upload), check every row, and with commit write the
 * valid ones. A fatal problem with the file itself (unreadable, no 身份证号
 * column) fails the call; a bad row is a problem in the report. Free the
 * report with import_report_free.
 */
sy_status registry_import_people(db *d, const struct principal *actor, const char *buf, size_t len,
				 const struct import_options *opt, struct import_report *rep, sy_err *err);
void import_report_free(struct import_report *rep);
/* The report as the API shows it (problems borrowed by reference). */
json_t *import_report_json(const struct import_report *rep);

#endif
