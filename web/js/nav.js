// The one table of pages. A module adds its pages by adding rows here; the
// router, the menu and the "may this role open it" check all read this table.
// `roles` only decides what the browser shows: the server checks every call
// again, so hiding a link is convenience, not security.
//
// A row may have a `pattern` (e.g. people/{id}): it then answers every route
// the pattern matches, its page gets the captured values as `ctx.params`, and
// it stays out of the menu. A row may have `routeFor(user)`: its menu link
// points at a route that depends on who is signed in (the person's own page).
// A row with `public: true` opens without signing in too (the 公示, the projector).

export const ROLES = ['admin', 'officer', 'auditor', 'merchant', 'clinic', 'unit', 'employer', 'station', 'department', 'person'];

/** Staff of the veterans' bureaus: the roles that work on the people registry. */
export const STAFF = ['admin', 'officer', 'auditor'];

/** Roles that may change registry records (auditors read only). */
export const REGISTRY_WRITERS = ['admin', 'officer'];

// Roles whose users (and API tokens) belong to an organisation, and the
// organisation type to pick from (GET /orgs?type=...).
export const ORG_TYPE_FOR_ROLE = {
  merchant: 'merchant',
  clinic: 'hospital',
  unit: 'unit',
  employer: 'employer',
  station: 'supply_station',
  department: 'department',
};

/** Roles that read cases beyond their own: staff, and a department (the cases with a step it handles). */
const CASE_READERS = [...STAFF, 'department'];

export const NAV = [
  { route: 'home', label_key: 'nav.home', roles: ROLES, load: () => import('./pages/home.js') },
  { route: 'people', label_key: 'nav.people', roles: STAFF, load: () => import('./pages/people.js') },
  { route: 'me', label_key: 'nav.my_record', roles: ['person'], routeFor: user => (user && user.person_id ? `people/${user.person_id}` : null),
    load: () => import('./pages/person.js') },
  { route: 'cards', label_key: 'nav.cards', roles: [...STAFF, 'person'], load: () => import('./pages/cards.js') },
  { route: 'my-card', label_key: 'nav.my_card', roles: ['person'], load: () => import('./pages/mycard.js') },
  { route: 'offline-verify', label_key: 'nav.offline_verify', roles: ['merchant', 'clinic', 'admin'],
    load: () => import('./pages/offline-verify.js') },
  { route: 'verify', label_key: 'nav.verify', roles: ['merchant', 'clinic', 'admin'], load: () => import('./pages/verify.js') },
  { route: 'network', label_key: 'nav.network', roles: [...STAFF, 'merchant'], load: () => import('./pages/network.js') },
  { route: 'nearby', label_key: 'nav.nearby', roles: ROLES, load: () => import('./pages/nearby.js') },
  { route: 'coverage', label_key: 'nav.coverage', roles: STAFF, load: () => import('./pages/coverage.js') },
  { route: 'ledger', label_key: 'nav.ledger', roles: [...STAFF, 'merchant', 'clinic'], load: () => import('./pages/ledger.js') },
  { route: 'orgs', label_key: 'nav.orgs', roles: ROLES, load: () => import('./pages/orgs.js') },
  { route: 'import', label_key: 'nav.import', roles: ['admin', 'officer'], load: () => import('./pages/import.js') },
  { route: 'users', label_key: 'nav.users', roles: ['admin'], load: () => import('./pages/users.js') },
  { route: 'tokens', label_key: 'nav.tokens', roles: ['admin'], load: () => import('./pages/tokens.js') },
  { route: 'audit', label_key: 'nav.audit', roles: ['admin', 'auditor'], load: () => import('./pages/audit.js') },
  { route: 'cases', label_key: 'nav.cases', roles: CASE_READERS, load: () => import('./pages/cases.js') },
  { route: 'my-cases', label_key: 'nav.my_cases', roles: ['person'], load: () => import('./pages/cases.js') },
  { route: 'inbox', label_key: 'nav.inbox', roles: ['admin', 'officer', 'department'], load: () => import('./pages/inbox.js') },
  { route: 'dual-lists', label_key: 'nav.dual_lists', roles: [...STAFF, 'unit'], load: () => import('./pages/duallist.js') },
  { route: 'case-stats', label_key: 'nav.case_stats', roles: STAFF, load: () => import('./pages/stats.js') },
  { route: 'calendar', label_key: 'nav.calendar', roles: ['admin'], load: () => import('./pages/calendar.js') },
  { route: 'placement', label_key: 'nav.placement', roles: STAFF, load: () => import('./pages/placement.js') },
  { route: 'placement-policies', pattern: /^placement-policies$/, label_key: 'nav.placement_policies', roles: STAFF,
    load: () => import('./pages/placement-policy.js') },
  { route: 'my-placement', label_key: 'nav.my_placement', roles: ['person'], load: () => import('./pages/placement-mine.js') },
  { route: 'public/placement', label_key: 'nav.placement_public', roles: ROLES, public: true, load: () => import('./pages/placement-public.js') },
  { route: 'placement/{id}', pattern: /^placement\/(\d+)$/, params: ['id'], label_key: 'nav.placement_batch', roles: STAFF,
    load: () => import('./pages/placement-batch.js') },
  { route: 'public/placement/{id}', pattern: /^public\/placement\/(\d+)$/, params: ['id'], label_key: 'nav.placement_public',
    roles: ROLES, public: true, load: () => import('./pages/placement-public.js') },
  { route: 'projector/{id}', pattern: /^projector\/(\d+)$/, params: ['id'], label_key: 'nav.placement_projector',
    roles: ROLES, public: true, load: () => import('./pages/placement-projector.js') },
  { route: 'cases/{id}', pattern: /^cases\/(\d+)$/, params: ['id'], label_key: 'nav.case', roles: [...CASE_READERS, 'person'],
    load: () => import('./pages/case.js') },
  { route: 'cards/{id}', pattern: /^cards\/(\d+)$/, params: ['id'], label_key: 'nav.card', roles: [...STAFF, 'person'],
    load: () => import('./pages/cards.js') },
  { route: 'people/{id}', pattern: /^people\/(\d+)$/, params: ['id'], label_key: 'nav.person', roles: [...STAFF, 'person'],
    load: () => import('./pages/person.js') },
  { route: 'orgs/{id}', pattern: /^orgs\/(\d+)$/, params: ['id'], label_key: 'nav.org',
    roles: [...STAFF, ...Object.keys(ORG_TYPE_FOR_ROLE)], load: () => import('./pages/org.js') },
];

/**
 * Entries a role sees in the menu, in table order. With the user, rows with
 * routeFor get their user-specific route (and are left out when it has none).
 */
export const navFor = (role, user) => NAV
  .filter(e => !e.pattern && e.roles.includes(role))
  .map(e => (e.routeFor ? { ...e, route: e.routeFor(user || null) || e.route } : e));

/**
 * The row for a route. Pattern rows come back with a `load` whose page gets
 * the captured values as ctx.params; `me` resolves to the signed-in person's
 * page through the same path (its page reads ctx.user.person_id).
 */
export function findRoute(route) {
  const plain = NAV.find(e => !e.pattern && e.route === route);
  if (plain) return plain;
  for (const e of NAV) {
    const m = e.pattern && e.pattern.exec(route);
    if (!m) continue;
    const params = Object.fromEntries((e.params || []).map((k, i) => [k, m[i + 1]]));
    return {
      ...e,
      load: () => e.load().then(mod => ({ ...mod, render: ctx => mod.render({ ...ctx, params }) })),
    };
  }
  return null;
}
