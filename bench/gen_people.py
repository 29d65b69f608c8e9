#!/usr/bin/env python3
"""Write N people as an import CSV (UTF-8): valid 身份证号 of Cangzhou's counties,
Chinese names, phones, addresses. Deterministic for a seed. Usage: gen_people.py N OUT [SEED]"""
import random
import sys

W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
REGIONS = ["130902", "130903", "130921", "130922", "130923", "130924", "130925", "130926",
           "130927", "130928", "130929", "130930", "130981", "130982", "130983", "130984"]
SUR = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭"
GIV = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英建国卫东华红志文斌海波辉鹏飞宇浩凯俊峰龙雪梅兰琴玉凤春秋"


def new_id_number(rnd, seen):
    """A valid 身份证号 of a random Cangzhou county not drawn before: (region, number)."""
    while True:
        region = REGIONS[rnd.randrange(16)]
        body = "%s%04d%02d%02d%03d" % (region, rnd.randint(1940, 2004), rnd.randint(1, 12),
                                     rnd.randint(1, 28), rnd.randint(0, 999))
        if body not in seen:
            seen.add(body)
            return region, body + "10X98765432"[sum(int(body[k]) * W[k] for k in range(17)) % 11]


def main():
    n, out = int(sys.argv[1]), sys.argv[2]
    rnd = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    seen = set()
    with open(out, "w", encoding="utf-8", newline="") as f:
        f.write("身份证号,姓名,电话,居住地区代码,居住地址\r\n")
        for i in range(n):
            region, idno = new_id_number(rnd, seen)
            name = SUR[rnd.randrange(len(SUR))] + GIV[rnd.randrange(len(GIV))]
            if rnd.random() < 0.6:
                name += GIV[rnd.randrange(len(GIV))]
            f.write("%s,%s,1%d%09d,%s,测试路%d号\r\n" % (idno, name, rnd.randint(3, 9),
                                                       rnd.randrange(10 ** 9), region, i))


if __name__ == "__main__":
    main()
