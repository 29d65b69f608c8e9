-- 008_keys: the public halves of the e-card signing keys (Ed25519) and when
-- each may be used. The private halves are never here: each lives in a file
-- in the key directory (see docs/operations.md), named by its key_id.
-- Every server reads this table, so all of them verify codes made by any.

CREATE TABLE signing_keys (
  id @ID@,
  key_id TEXT NOT NULL UNIQUE,       -- 8 hex digits: the first 4 bytes of SHA-256(public key), as in the QR payload
  algorithm TEXT NOT NULL CHECK (algorithm IN ('Ed25519')),
  public_key TEXT NOT NULL,          -- base64url without padding of the 32-byte key (JWK "x")
  status TEXT NOT NULL CHECK (status IN ('current','retired')),
  valid_from TEXT NOT NULL,          -- signs from this time
  retired_at TEXT,                   -- signs no more from this time
  verify_until TEXT,                 -- codes it signed are accepted until this time (NULL while current)
  static_until TEXT,                 -- the latest expiry of a static (printed) code it signed
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX signing_keys_status ON signing_keys(status);
