/*
 * orgs.h - organisations: stationed units, government departments,
 * merchants, associations, hospitals, banks, schools, employers, training
 * bases and military supply stations; where they are, whom to call there,
 * and which organisations an association counts as its members.
 *
 * Who sees what: admin everything; officers and auditors the organisations
 * of their region and below; an organisation role (merchant, clinic, unit,
 * employer, station) its own organisation only; a person none of the pages.
 * Admin and officers (in their region) change them. An organisation the
 * caller may not see answers SY_ENOTFOUND "org_not_found", as if absent.
 *
 * orgs.contact_name/contact_phone are the primary contact, changed with the
 * organisation; further contacts are rows of their own (org_contacts).
 */
#ifndef SY_ORGS_H
#define SY_ORGS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "db/scope.h"

/* Limits in characters (not bytes). */
#define ORG_NAME_CHARS 100
#define ORG_ADDRESS_CHARS 200
#define ORG_NOTE_CHARS 500
#define ORG_CONTACT_CHARS 50   /* a contact's name, or their title */
#define ORG_CONTACTS_MAX 20    /* besides the primary contact */
#define ORG_MEMBERS_SHOWN 500  /* an association's page lists this many; members_total counts all */

/* One of unit, department, merchant, association, hospital, bank, school,
 * employer, training_base, supply_station. */
bool org_type_valid(const char *type);

struct org_filter {
	const char *type, *region, *q;
	int limit;
	int64_t cursor;
};
/* Organisations in the reader's scope (an org role sees its own organisation only). */
sy_status registry_orgs(db *d, const struct principal *reader, const struct org_filter *f,
			json_t **items, int64_t *next, sy_err *err);

/* One field of a create or change: absent, or set to a value or (value NULL) cleared. */
struct org_field {
	bool set;
	const char *value;
};

/*
 * A new organisation, or a change (PATCH: fields not set stay as they are;
 * set to NULL clears an optional one). name, type and region_code are
 * required to create and cannot be cleared.
 */
struct org_input {
	struct org_field name, type, region_code;
	struct org_field address, phone, note, contact_name, contact_phone;
	bool coords_set; /* lat and lon given together: both numbers, or (has_coords false) both cleared */
	bool has_coords;
	double lat, lon;
};

/* May the actor create and change organisations at all (admin, officer)? */
bool registry_org_may_edit(const struct principal *actor);

/* Check a create (creating) or a change without writing; errors name the field. */
sy_status registry_org_validate(db *d, const struct principal *actor, const struct org_input *in,
				bool creating, sy_err *err);
/* The organisation of this name in this region (names are unique there); SY_ENOTFOUND when none. */
sy_status registry_org_find_by_name(db *d, const char *region, const char *name, int64_t *id, sy_err *err);
/* Create (validated, audited). Joins the caller's transaction. */
sy_status registry_org_create(db *d, const struct principal *actor, const struct org_input *in,
			      int64_t *id, sy_err *err);
/*
 * Change the fields set in `in`. The type of an organisation that users or
 * API tokens belong to cannot change (their role needs that type), nor that
 * of an association that still has members.
 */
sy_status registry_org_update(db *d, const struct principal *actor, int64_t id,
			      const struct org_input *in, sy_err *err);
/*
 * A function to call after a change of an organisation's name, region,
 * address or coordinates succeeded (a module that keeps a copy of places —
 * the merchants module's nearby search — drops it). The registry does not
 * know who listens: the app sets it once at start-up, before serving.
 */
void registry_org_on_place_change(void (*changed)(void));
/*
 * The organisation's page: its facts, contacts, for an association its
 * members (the first ORG_MEMBERS_SHOWN, and members_total), and the
 * associations it belongs to. Related organisations carry in_scope: whether
 * the reader may open them.
 */
sy_status registry_org_get(db *d, const struct principal *actor, int64_t id, json_t **out,
			   sy_err *err);

struct org_contact_input {
	const char *name;  /* required */
	const char *title; /* 双拥联络员, 店长, … */
	const char *phone; /* validated as people's phones are */
};
sy_status registry_org_contact_add(db *d, const struct principal *actor, int64_t org_id,
				   const struct org_contact_input *in, int64_t *id, sy_err *err);
sy_status registry_org_contact_remove(db *d, const struct principal *actor, int64_t org_id,
				      int64_t contact_id, sy_err *err);

/*
 * Association membership. The association must be of type association and
 * writable by the actor; the member any other organisation the actor may
 * read (an officer: one of their region; it may be of any type). Adding a
 * member twice is SY_ECONFLICT "already_member"; removing one that is not a
 * member SY_ENOTFOUND "member_not_found".
 */
sy_status registry_org_member_add(db *d, const struct principal *actor, int64_t association_id,
				  int64_t member_id, sy_err *err);
sy_status registry_org_member_remove(db *d, const struct principal *actor, int64_t association_id,
				     int64_t member_id, sy_err *err);

#endif
