/*
 * circle.h - the 10-minute circle (10分钟拥军圈), domain only (no HTTP).
 *
 * The network is the organisations with a merchant_profiles row of status
 * 'member' and coordinates (009_merchants); card holders are people with
 * home coordinates and a card in state 'received' (006_cards). A walk of
 * w metres reaches w / detour_factor in a straight line; minutes are walk
 * metres / walking speed. Speed, detour factor, the default minutes and the
 * heat map's cell come from circle_settings (013_circle), the admin's.
 *
 * nearby: members within N minutes' walk of a point, nearest first, answered
 * from an in-memory copy of the network that each server reloads after
 * nearby_cache_seconds (circle_invalidate drops it at once: the merchants
 * module calls it after every change of membership, profile or offer, and
 * the app wires it to the registry's organisation changes, so this server
 * answers fresh at once; other servers within nearby_cache_seconds).
 *
 * The analysis (coverage, uncovered people, heat map, where to recruit) loads
 * the holders in the caller's scope and every member with one query each and
 * computes in memory with the grid index of lib/geo: admin the whole city,
 * officer and auditor their region.
 */
#ifndef SY_CIRCLE_H
#define SY_CIRCLE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "db/scope.h"
#include "lib/strbuf.h"

/* Limits of what the settings and queries accept (sanity, not policy). */
#define CIRCLE_MINUTES_MAX 60
#define CIRCLE_CATEGORY_MAX 32
#define CIRCLE_NEARBY_LIMIT_MAX 200
#define CIRCLE_SUGGESTIONS_MAX 100

struct circle_settings {
	int64_t default_minutes;
	double walking_speed_m_per_min;
	double detour_factor;
	int64_t grid_cell_m;
	int64_t nearby_cache_seconds;
	char updated_by[64], updated_at[32];
};

sy_status circle_settings_get(db *d, struct circle_settings *s, sy_err *err);
json_t *circle_settings_json(const struct circle_settings *s);
/*
 * Change some settings (admin only; audited with before and after). Fields
 * the patch leaves at 0 stay as they are. 400 naming the field when a value
 * is out of range: minutes 1–60, speed 20–150 m/min, detour 1.0–3.0, cell
 * 100–5000 m, cache 0–3600 s.
 */
struct circle_settings_patch {
	int64_t default_minutes;
	double walking_speed_m_per_min;
	double detour_factor;
	int64_t grid_cell_m;
	int64_t nearby_cache_seconds;
	bool set_cache_seconds; /* 0 is a valid cache time: say it is meant */
};
sy_status circle_settings_set(db *d, const struct principal *actor, const struct circle_settings_patch *p,
			      sy_err *err);

/* The straight-line metres a walk of `minutes` reaches under s. */
double circle_reach_m(const struct circle_settings *s, double minutes);

struct circle_nearby_query {
	double lat, lon;
	int minutes;          /* 0: the default */
	const char *category; /* NULL: any */
	int limit;            /* 1..CIRCLE_NEARBY_LIMIT_MAX */
};
/*
 * Members within q->minutes' walk of (lat, lon), nearest first (ties by the
 * order they were loaded in, org id), appended to out as JSON text (what
 * jansson would write, compact):
 * {"center": {lat, lon}, "minutes", "walk_m", "reach_m" (the straight-line
 * radius), "items": [{org_id, name, category, address,
 * region_code, lat, lon, offers, distance_m, walk_m, minutes}]}; offers are
 * the member's switched-on offers current today (China date): [{id, title,
 * benefit_kind, benefit_value, categories: [{code, label}], usage_rule,
 * companion_allowed, valid_until}], cached with the network. Text rather
 * than a json_t: the members' parts are written once per copy of the
 * network, and a search only joins them (bench/nearby.c measures it).
 */
sy_status circle_nearby(db *d, const struct circle_nearby_query *q, strbuf *out, sy_err *err);
/*
 * Where the caller is, for a nearby search that names no point: a person's
 * home, an organisation role's organisation, else the seat of the caller's
 * region (or of its county, or city). 400 naming "lat" when none is known.
 */
sy_status circle_caller_point(db *d, const struct principal *who, double *lat, double *lon, sy_err *err);
/* Forget this process's copy of the network: the next nearby search reloads it. */
void circle_invalidate(void);
/*
 * The database a refresher thread connects to (the server's): an expired copy
 * of the network is then reloaded in the background while searches answer
 * from it. Without it (the CLI, tests) the search that finds the copy expired
 * reloads it. circle_shutdown waits for a refresher still running.
 */
void circle_configure(const char *db_url);
void circle_shutdown(void);
/* How many copies of the network this process has loaded (one per expiry or invalidation, not per thread). */
uint64_t circle_cache_loads(void);

struct circle_analysis;
struct circle_options {
	const char *region; /* NULL: the caller's whole scope */
	int minutes;        /* 0: the default */
};
/* Staff only; 403 region_out_of_scope, 400 invalid_region naming "region". */
sy_status circle_analyse(db *d, const struct principal *actor, const struct circle_options *o,
			 struct circle_analysis **out, sy_err *err);
void circle_analysis_free(struct circle_analysis *a);

/*
 * {"minutes", "walk_m", "reach_m", "region", "total": {holders, covered,
 * uncovered, share}, "regions": [{code, name, holders, covered, uncovered,
 * share}]} — regions at county level; share is null with no holders.
 */
json_t *circle_coverage_json(const struct circle_analysis *a);
/*
 * The uncovered holders, farthest from the network first (those beyond
 * three circles, whose nearest member is not searched for, first of all),
 * then by id: {id, name, id_number, region_code, region_name,
 * nearest_org_id, nearest_org_name, walk_m, minutes}. Names are masked
 * (王**) unless the caller may see personal data (registry_may_unmask);
 * 身份证号 always are. cursor is an offset; *next the next one or 0.
 */
sy_status circle_uncovered(db *d, const struct principal *actor, const struct circle_analysis *a, int limit,
			   int64_t cursor, json_t **items, int64_t *next, sy_err *err);
/* {"cell_m", "cells": [{lat_min, lon_min, lat_max, lon_max, holders, uncovered}]} for cells with holders. */
json_t *circle_grid_json(const struct circle_analysis *a);
/*
 * Where new members would cover the most uncovered holders: greedy maximum
 * coverage (take the best, count the people it covers as covered, repeat),
 * top k, separately over candidate organisations (registered, with
 * coordinates, not members, in scope) and over the heat map's cell centres:
 * {"uncovered", "orgs": [{rank, org_id, name, region_code, lat, lon,
 * new_covered, cumulative}], "cells": [{rank, lat, lon, lat_min, lon_min,
 * lat_max, lon_max, new_covered, cumulative}]}.
 */
sy_status circle_suggestions(const struct circle_analysis *a, int k, json_t **out, sy_err *err);

#endif
