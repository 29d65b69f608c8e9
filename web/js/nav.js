// The one table of pages. A module adds its pages by adding rows here; the
// router, the menu and the "may this role open it" check all read this table.
// `roles` only decides what the browser shows: the server checks every call
// again, so hiding a link is convenience, not security.

export const ROLES = ['admin', 'officer', 'auditor', 'merchant', 'clinic', 'unit', 'employer', 'station', 'person'];

// Roles whose users (and API tokens) belong to an organisation, and the
// organisation type to pick from (GET /orgs?type=...).
export const ORG_TYPE_FOR_ROLE = {
  merchant: 'merchant',
  clinic: 'hospital',
  unit: 'unit',
  employer: 'employer',
  station: 'supply_station',
};

export const NAV = [
  { route: 'home', label_key: 'nav.home', roles: ROLES, load: () => import('./pages/home.js') },
  { route: 'users', label_key: 'nav.users', roles: ['admin'], load: () => import('./pages/users.js') },
  { route: 'tokens', label_key: 'nav.tokens', roles: ['admin'], load: () => import('./pages/tokens.js') },
  { route: 'audit', label_key: 'nav.audit', roles: ['admin', 'auditor'], load: () => import('./pages/audit.js') },
];

/** Entries a role sees in the menu, in table order. */
export const navFor = role => NAV.filter(e => e.roles.includes(role));

export const findRoute = route => NAV.find(e => e.route === route) || null;
