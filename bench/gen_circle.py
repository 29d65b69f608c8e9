#!/usr/bin/env python3
"""Fill a fresh (migrated) SQLite database for bench/circle.sh: N card holders with home
coordinates and received cards, M member merchants and C candidate organisations, scattered
around the seats of Cangzhou's counties (a normal spread of a few km, denser in the centre).
Deterministic for a seed. Usage: gen_circle.py DB N M C [SEED]"""
import random
import sqlite3
import sys

SEATS = {  # county seat (lat, lon), from sql/002_regions.sql
    "130902": (38.314, 116.866), "130903": (38.298, 116.832), "130921": (38.219, 116.873),
    "130922": (38.583, 116.804), "130923": (37.888, 116.537), "130924": (38.143, 117.497),
    "130925": (38.058, 117.231), "130926": (38.423, 115.83), "130927": (38.039, 116.709),
    "130928": (37.628, 116.391), "130929": (38.19, 116.123), "130930": (38.053, 117.104),
    "130981": (38.084, 116.578), "130982": (38.712, 116.099), "130983": (38.371, 117.33),
    "130984": (38.446, 116.099),
}
CATS = ["catering", "retail", "medical", "bank", "leisure"]
NOW = "2026-01-01T00:00:00Z"


def spot(rnd, region, spread_deg):
    lat, lon = SEATS[region]
    return lat + rnd.gauss(0, spread_deg), lon + rnd.gauss(0, spread_deg * 1.27)


def main():
    path, n, m, c = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    rnd = random.Random(int(sys.argv[5]) if len(sys.argv) > 5 else 1)
    regions = list(SEATS)
    db = sqlite3.connect(path)
    db.execute("PRAGMA synchronous=OFF")
    cur = db.cursor()

    def people():
        for i in range(n):
            r = regions[rnd.randrange(len(regions))]
            lat, lon = spot(rnd, r, 0.03)
            yield (i + 1, "%s%012d" % (r, i), "持证人%d" % i, r, lat, lon, NOW, NOW)

    cur.executemany("INSERT INTO people (id, id_number, name, sex, birth_date, region_code, lat, lon,"
                    " created_at, updated_at) VALUES (?, ?, ?, 'M', '1970-01-01', ?, ?, ?, ?, ?)", people())
    cur.executemany("INSERT INTO cards (person_id, kind, categories, state, live, region_code, applied_via,"
                    " applied_at, received_at, created_at, updated_at) SELECT id, 'veteran', 'veteran',"
                    " 'received', 1, region_code, 'residence', ?, ?, ?, ? FROM people", [(NOW,) * 4])

    def orgs():
        for i in range(m + c):
            r = regions[rnd.randrange(len(regions))]
            lat, lon = spot(rnd, r, 0.025)
            yield (i + 1, "商户%d" % i, r, lat, lon, NOW, NOW)

    cur.executemany("INSERT INTO orgs (id, name, type, region_code, lat, lon, created_at, updated_at)"
                    " VALUES (?, ?, 'merchant', ?, ?, ?, ?, ?)", orgs())
    cur.executemany("INSERT INTO merchant_profiles (org_id, status, category, created_at, updated_at)"
                    " VALUES (?, ?, ?, ?, ?)",
                    ((i + 1, "member" if i < m else "candidate", CATS[i % len(CATS)], NOW, NOW)
                     for i in range(m + c)))
    db.commit()
    db.close()


if __name__ == "__main__":
    main()
