-- 006_cards: 优待证 (preferential-treatment cards): the application, the
-- card it becomes, and every dated change of state with who made it and why.
--
-- One row is one card's whole life, from the application at the service
-- station to its end (refused, returned unclaimed, revoked, replaced by a
-- reissue). A reissue is a new row with a new number that points at the
-- card it replaces. The platform's card number is assigned when the card is
-- made (src/modules/cards/cardno.c: region prefix, sequence, ISO 7064 MOD
-- 11-2 check character); the national number is kept beside it when known.
CREATE TABLE cards (
  id @ID@,
  number TEXT UNIQUE,                 -- NULL until made
  person_id BIGINT NOT NULL REFERENCES people(id),
  kind TEXT NOT NULL CHECK (kind IN ('veteran','survivor')),
  categories TEXT NOT NULL,           -- every category the person held at issue, comma-separated codes
  state TEXT NOT NULL CHECK (state IN ('applied','reviewed','approved','refused','made','handed_out',
                                       'received','returned','suspended','lost','revoked','replaced')),
  -- 1 while the card (or its application) stands: one per person at most.
  live INTEGER NOT NULL DEFAULT 1,
  region_code TEXT NOT NULL REFERENCES regions(code), -- the station's region the application was made at
  applied_via TEXT NOT NULL CHECK (applied_via IN ('residence','household')),
  national_number TEXT,
  replaces_id BIGINT REFERENCES cards(id),
  replaced_by_id BIGINT REFERENCES cards(id),
  applied_at TEXT NOT NULL,
  made_at TEXT,                       -- issue date: the card exists from here
  handed_out_at TEXT,                 -- signed for by the county, at the station for the holder
  received_at TEXT,                   -- the holder has it
  closed_at TEXT,                     -- when it stopped standing (live = 0)
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX cards_person ON cards(person_id, live);
CREATE INDEX cards_region ON cards(region_code, id);
CREATE INDEX cards_state ON cards(state, id);
-- The domain checks first (PostgreSQL aborts a transaction on a failed
-- statement); this only keeps a race from ever leaving two live cards.
CREATE UNIQUE INDEX cards_one_live ON cards(person_id) WHERE live = 1;

CREATE TABLE card_events (
  id @ID@,
  card_id BIGINT NOT NULL REFERENCES cards(id),
  action TEXT NOT NULL,
  from_state TEXT,
  to_state TEXT NOT NULL,
  reason TEXT,
  actor TEXT NOT NULL,
  actor_user_id BIGINT,
  at TEXT NOT NULL
);
CREATE INDEX card_events_card ON card_events(card_id, id);

-- The last sequence number used per 6-digit region prefix. Taking the next
-- one is an UPDATE of this row, which queues concurrent makers on both backends.
CREATE TABLE card_number_seq (
  region_prefix TEXT PRIMARY KEY,
  last_seq BIGINT NOT NULL
);

-- Settings the city bureau (admin) edits, one row. unclaimed_months: a card
-- not collected this long after it reached the station is returned; 3 is
-- the rule of 《退役军人、其他优抚对象优待证管理办法(试行)》(2021).
CREATE TABLE card_settings (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  unclaimed_months INTEGER NOT NULL,
  updated_by TEXT,
  updated_at TEXT
);
INSERT INTO card_settings (id, unclaimed_months, updated_by, updated_at) VALUES (1, 3, NULL, NULL);
