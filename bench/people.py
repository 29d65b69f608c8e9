#!/usr/bin/env python3
"""Median latency of people searches over one keep-alive connection.
Usage: people.py HOST PORT USER PASSWORD CSV N  → prints "name_ms tail_ms" (medians)."""
import http.client
import json
import random
import statistics
import sys
import time
import urllib.parse


def main():
    host, port, user, pw, csv_path, n = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], int(sys.argv[6])
    names, ids = [], []
    with open(csv_path, encoding="utf-8") as f:
        next(f)
        for i, line in enumerate(f):
            if i % 997 == 0:
                cols = line.split(",")
                ids.append(cols[0])
                names.append(cols[1])
    rnd = random.Random(1)
    c = http.client.HTTPConnection(host, port)
    c.request("POST", "/api/v1/auth/login", json.dumps({"username": user, "password": pw}),
              {"Content-Type": "application/json"})
    r = c.getresponse()
    r.read()
    cookie = r.getheader("Set-Cookie").split(";")[0]

    def timed(q):
        t0 = time.perf_counter()
        c.request("GET", "/api/v1/people?q=" + urllib.parse.quote(q), headers={"Cookie": cookie})
        resp = c.getresponse()
        body = resp.read()
        dt = (time.perf_counter() - t0) * 1000
        if resp.status != 200:
            raise SystemExit("search failed: %d %s" % (resp.status, body[:200]))
        return dt

    # partial names: two characters from inside a real name, or a surname plus one
    name_ms = [timed(nm[-2:] if len(nm) >= 2 else nm) for nm in (rnd.choice(names) for _ in range(n))]
    tail_ms = [timed(i[-4:]) for i in (rnd.choice(ids) for _ in range(n))]
    print("%.2f %.2f" % (statistics.median(name_ms), statistics.median(tail_ms)))


if __name__ == "__main__":
    main()
