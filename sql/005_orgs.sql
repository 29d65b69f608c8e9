-- 005_orgs: organisations kept by hand (created and edited in the registry):
-- their own phone and a note, and as many contacts as they have.
--
-- orgs.contact_name/contact_phone stay what they were: the organisation's
-- primary contact, edited with the organisation itself. org_contacts holds
-- the others (a name, a title such as 双拥联络员, a phone). Association
-- membership is association_members (003_registry).
ALTER TABLE orgs ADD COLUMN phone TEXT;
ALTER TABLE orgs ADD COLUMN note TEXT;

CREATE TABLE org_contacts (
  id @ID@,
  org_id BIGINT NOT NULL REFERENCES orgs(id),
  name TEXT NOT NULL,
  title TEXT,
  phone TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX org_contacts_org ON org_contacts(org_id, id);

-- Finding an organisation by name within a region (duplicates are refused).
CREATE INDEX orgs_region_name ON orgs(region_code, name);
