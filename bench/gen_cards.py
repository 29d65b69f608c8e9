#!/usr/bin/env python3
"""Write N card holders and their received cards as two CSV files whose columns
are those of the people and cards tables, for loading straight into a
migrated database (sqlite3 .import, psql \\copy) when the benchmark needs a
million cards and not the importer's checks. People get valid 身份证号 of
Cangzhou's counties and home coordinates; every card is a veteran card in
state 'received' with a valid platform card number (region + sequence + ISO
7064 MOD 11-2 check character). Deterministic for a seed.

Usage: gen_cards.py N PEOPLE_CSV CARDS_CSV NUMBERS_TXT [SEED]
NUMBERS_TXT gets every card number, one per line (the load script's input).
"""
import random
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_people import GIV, REGIONS, SUR, new_id_number  # noqa: E402  (one 身份证号 maker for the benches)

NOW = "2026-01-01T00:00:00Z"


def card_check(digits):
    p = 0
    for ch in digits:
        p = ((p + int(ch)) * 2) % 11
    c = (12 - p) % 11
    return "X" if c == 10 else str(c)


def main():
    n, people_out, cards_out, numbers_out = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    rnd = random.Random(int(sys.argv[5]) if len(sys.argv) > 5 else 1)
    seen = set()
    seq = {r: 0 for r in REGIONS}
    with open(people_out, "w", encoding="utf-8", newline="") as pf, \
            open(cards_out, "w", encoding="utf-8", newline="") as cf, \
            open(numbers_out, "w", encoding="ascii") as nf:
        for i in range(1, n + 1):
            region, idno = new_id_number(rnd, seen)
            sex = "M" if int(idno[16]) % 2 else "F"
            name = SUR[rnd.randrange(len(SUR))] + GIV[rnd.randrange(len(GIV))]
            birth = "%s-%s-%s" % (idno[6:10], idno[10:12], idno[12:14])
            lat = 38.0 + rnd.random() * 0.9
            lon = 116.2 + rnd.random() * 1.4
            # people: id,id_number,name,sex,birth_date,region_code,lat,lon,status,created_at,updated_at
            pf.write("%d,%s,%s,%s,%s,%s,%.6f,%.6f,normal,%s,%s\n" % (i, idno, name, sex, birth, region, lat, lon, NOW, NOW))
            seq[region] += 1
            digits = "%s%07d" % (region, seq[region])
            number = digits + card_check(digits)
            # cards: id,number,person_id,kind,categories,state,live,region_code,applied_via,applied_at,made_at,handed_out_at,received_at,created_at,updated_at
            cf.write("%d,%s,%d,veteran,veteran,received,1,%s,residence,%s,%s,%s,%s,%s,%s\n" % (
                i, number, i, region, NOW, NOW, NOW, NOW, NOW, NOW))
            nf.write(number + "\n")


if __name__ == "__main__":
    main()
