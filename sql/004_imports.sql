-- 004_imports: what an import rejected, kept so the person who ran it can
-- download the rows to fix and import again (the server keeps no files).
CREATE TABLE import_rejects (
  id @ID@,
  kind TEXT NOT NULL,
  filename TEXT,
  created_by BIGINT REFERENCES users(id),
  created_by_name TEXT NOT NULL,
  created_at TEXT NOT NULL,
  rows_rejected INTEGER NOT NULL,
  content TEXT NOT NULL
);
