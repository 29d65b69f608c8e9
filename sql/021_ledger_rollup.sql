-- 021_ledger_rollup: the ledger's totals kept as counters, so the dashboard's
-- person-times and distinct persons over any range of days read a few
-- thousand rows instead of scanning ten million (ledger/rollup.c).
--
-- One row per (grouping, its key, calendar bucket, previous day of use):
--   dim       'all' (key ''), 'kind', 'region' (county-level code), 'org'
--             (id), 'association' (id; the organisation's associations when
--             the service was given).
--   grain     'y', 'm' or 'd': bucket is '2025', '2025-03' or '2025-03-14';
--             every service is counted once in each grain.
--   prev_day  the day the same person last used the same key before this
--             day ('' for never). A range [from, to] is cut into whole
--             years, whole months and single days; its distinct persons are
--             the firsts of its buckets whose prev_day < from, because each
--             person has exactly one first day of use inside the range. A
--             previous day inside the row's own month or year is kept as '~'
--             (after every date): it can never count there, and the bucket's
--             returning users then share one row.
--   uses      services (person-times); firsts: persons whose first use of
--             that day it was.
-- @CLUSTERED@: a bucket's counters lie together, so a year's 100,000
-- organisations are one read of consecutive rows rather than one lookup each.
-- Derived data: `shuangyong ledger rollup` rebuilds it from the ledger; the
-- statistics read the ledger itself whenever the counters do not cover
-- every row (ledger_rollup_state.max_id below MAX(ledger.id)).
CREATE TABLE ledger_rollup (
  dim TEXT NOT NULL,
  gkey TEXT NOT NULL,
  grain TEXT NOT NULL CHECK (grain IN ('y','m','d')),
  bucket TEXT NOT NULL,
  prev_day TEXT NOT NULL,
  uses BIGINT NOT NULL,
  firsts BIGINT NOT NULL,
  PRIMARY KEY (dim, grain, bucket, gkey, prev_day)
)@CLUSTERED@;

CREATE TABLE ledger_rollup_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  max_id BIGINT NOT NULL,           -- the highest ledger id the counters include
  rebuilt_at TEXT
);
-- An empty ledger is covered from the start (its MAX(id) reads as 0); one with
-- rows is not (-1) until `shuangyong init` or `shuangyong ledger rollup` builds them.
INSERT INTO ledger_rollup_state (id, max_id, rebuilt_at)
  SELECT 1, CASE WHEN EXISTS (SELECT 1 FROM ledger) THEN -1 ELSE 0 END, NULL;
