#!/usr/bin/env python3
"""Write M member merchants (around Cangzhou's county seats, as bench/gen_circle.py
scatters them) and A associations with their member units as CSV files whose
columns are those of the orgs, merchant_profiles and association_members tables,
for loading straight into a migrated database (sqlite3 .import, psql \\copy).
Organisation ids start at FIRST_ID. Each association gets MEMBERS_PER members
(the article's 17 associations and 2,000+ members). Deterministic for a seed.

Usage: gen_merchants.py M A MEMBERS_PER FIRST_ID ORGS_CSV PROFILES_CSV MEMBERS_CSV [SEED]
"""
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_circle import CATS, NOW, SEATS, spot  # noqa: E402


def main():
    m, a, per, first = (int(x) for x in sys.argv[1:5])
    orgs_out, profiles_out, members_out = sys.argv[5:8]
    rnd = random.Random(int(sys.argv[8]) if len(sys.argv) > 8 else 1)
    regions = list(SEATS)
    with open(orgs_out, "w", encoding="utf-8", newline="") as of, \
            open(profiles_out, "w", encoding="utf-8", newline="") as pf, \
            open(members_out, "w", encoding="utf-8", newline="") as mf:
        # orgs: id,name,type,region_code,lat,lon,created_at,updated_at
        for i in range(m):
            r = regions[rnd.randrange(len(regions))]
            lat, lon = spot(rnd, r, 0.025)
            of.write("%d,商户%d,merchant,%s,%.6f,%.6f,%s,%s\n" % (first + i, i, r, lat, lon, NOW, NOW))
            # merchant_profiles: org_id,status,category,joined_at,created_at,updated_at
            pf.write("%d,member,%s,%s,%s,%s\n" % (first + i, CATS[i % len(CATS)], NOW, NOW, NOW))
        for k in range(a):
            aid = first + m + k
            of.write("%d,拥军协会%d,association,130900,,,%s,%s\n" % (aid, k, NOW, NOW))
            # association_members: association_id,member_id,joined_at
            for j in rnd.sample(range(m), min(per, m)):
                mf.write("%d,%d,%s\n" % (aid, first + j, NOW))


if __name__ == "__main__":
    main()
