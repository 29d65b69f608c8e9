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

-- 1..64, for set-based SQL that walks the characters of a name (portable:
-- SQLite and PostgreSQL differ in how they generate series).
CREATE TABLE numbers (n INTEGER PRIMARY KEY);
INSERT INTO numbers (n) VALUES (1),(2),(3),(4),(5),(6),(7),(8),(9),(10),(11),(12),(13),(14),(15),(16),
 (17),(18),(19),(20),(21),(22),(23),(24),(25),(26),(27),(28),(29),(30),(31),(32),(33),(34),(35),(36),
 (37),(38),(39),(40),(41),(42),(43),(44),(45),(46),(47),(48),(49),(50),(51),(52),(53),(54),(55),(56),
 (57),(58),(59),(60),(61),(62),(63),(64);

-- Renames and bulk indexing find a person's name pieces by person.
CREATE INDEX people_name_grams_person ON people_name_grams(person_id);
