// The people import over HTTP and the CLI: a GBK file with bad rows, the
// rejected rows, re-import, a byte-exact GBK round trip through export, and
// an import killed half-way that leaves nothing behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BASE, BIN, BACKEND, call, login, makeIdNumber } from './lib.mjs';

const WORK = process.env.SY_WORK || fs.mkdtempSync('/tmp/sy-imp-');
const gbk = new TextDecoder('gb18030');

// node has no GB18030 encoder; iconv (glibc) does the encoding, as Excel would have.
function toGbk(text) {
  return execFileSync('iconv', ['-f', 'UTF-8', '-t', 'GB18030'], { input: text });
}

function peopleCsv(n, regions = ['130902', '130903', '130921', '130982']) {
  const sur = '王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗';
  const giv = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英建国卫东';
  const seen = new Set();
  const rows = [];
  for (let i = 0; i < n; i++) {
    let id;
    do {
      const y = 1950 + Math.floor(Math.random() * 50);
      const birth = `${y}${String(1 + Math.floor(Math.random() * 12)).padStart(2, '0')}${String(1 + Math.floor(Math.random() * 28)).padStart(2, '0')}`;
      id = makeIdNumber(regions[i % regions.length], birth);
    } while (seen.has(id));
    seen.add(id);
    const name = sur[i % sur.length] + giv[(i * 7) % giv.length] + (i % 3 ? giv[(i * 11) % giv.length] : '');
    rows.push([id, name, `139${String(10000000 + i).padStart(8, '0')}`, id.slice(0, 6), `测试路${i}号`]);
  }
  return rows;
}

const HEADER = '身份证号,姓名,电话,居住地区代码,居住地址';
const toText = (rows) => [HEADER, ...rows.map((r) => r.join(','))].join('\r\n') + '\r\n';

async function upload(session, body, query = '') {
  const res = await fetch(`${BASE}/api/v1/imports/people${query}`, {
    method: 'POST', headers: { Cookie: session.cookie, 'X-CSRF-Token': session.csrf, 'Content-Type': 'text/csv' }, body,
  });
  return { status: res.status, json: await res.json() };
}

test('a GBK file with 5 bad rows among 1,000: preview, commit 995, rejected rows, re-import', async () => {
  const admin = await login('admin');
  const rows = peopleCsv(1000);
  rows[99][0] = rows[99][0].slice(0, 17) + (rows[99][0][17] === '0' ? '1' : '0'); // check character
  rows[199][3] = '999999';                                                        // no such region
  rows[299][2] = '12345';                                                          // not a phone
  rows[399][1] = '';                                                               // no name
  rows[499][0] = rows[9][0];                                                       // duplicate in the file
  const file = toGbk(toText(rows));
  const preview = await upload(admin, file, '?filename=people.csv');
  assert.equal(preview.status, 200, JSON.stringify(preview.json));
  assert.equal(preview.json.format, 'csv-gb18030');
  assert.equal(preview.json.committed, false);
  assert.deepEqual([preview.json.rows, preview.json.valid, preview.json.invalid], [1000, 995, 5]);
  assert.deepEqual(preview.json.problems.map((p) => [p.row, p.column, p.code]), [
    [101, '身份证号', 'invalid_id_number'],
    [201, '居住地区代码', 'invalid_region'],
    [301, '电话', 'invalid_phone'],
    [401, '姓名', 'required'],
    [501, '身份证号', 'duplicate_in_file'],
  ]);
  const before = await call('GET', `/api/v1/people?q=${rows[0][0]}`, { session: admin });
  assert.equal(before.json.items.length, 0, 'a preview writes nothing');

  const done = await upload(admin, file, '?filename=people.csv&commit=1');
  assert.equal(done.status, 200);
  assert.deepEqual([done.json.inserted, done.json.invalid], [995, 5]);
  const found = await call('GET', `/api/v1/people?q=${rows[0][0]}`, { session: admin });
  assert.equal(found.json.items[0].name, rows[0][1]);
  // the rejected rows, with the reason, to fix and import again
  const rej = await fetch(BASE + done.json.rejected_url, { headers: { Cookie: admin.cookie } });
  assert.equal(rej.status, 200);
  const text = (await rej.text()).replace(/^\uFEFF/, '');
  const lines = text.trim().split('\r\n');
  assert.equal(lines.length, 6);
  assert.match(lines[0], /错误原因$/);
  assert.match(lines[1], /^.{18},.+第101行 身份证号/);
  // someone else's rejected rows are not theirs to read
  const other = await login('officer');
  assert.equal((await fetch(BASE + done.json.rejected_url, { headers: { Cookie: other.cookie } })).status, 404);
  // importing again never duplicates: skipped, or updated when asked
  const again = await upload(admin, file, '?commit=1');
  assert.deepEqual([again.json.inserted, again.json.skipped, again.json.existing], [0, 995, 995]);
  rows[0][4] = '新地址1号';
  const upd = await upload(admin, toGbk(toText(rows)), '?commit=1&on_existing=update');
  assert.equal(upd.json.updated, 995);
  const page = await call('GET', `/api/v1/people/${found.json.items[0].id}`, { session: admin });
  assert.equal(page.json.address, '新地址1号');
});

test('a category column names categories by code or Chinese label', async () => {
  const admin = await login('admin');
  const a = makeIdNumber('130903', '19700305');
  const b = makeIdNumber('130903', '19710406');
  const file = `身份证号,姓名,居住地区代码,人员类别\r\n${a},甲某,130903,退役军人、military_family\r\n${b},乙某,130903,残疾军人\r\n`;
  const res = await upload(admin, file, '?commit=1');
  assert.equal(res.status, 200, JSON.stringify(res.json));
  assert.equal(res.json.inserted, 1);
  assert.deepEqual(res.json.problems.map((p) => [p.row, p.column, p.code]), [[3, '人员类别', 'disability_needs_grade']]);
  const id = (await call('GET', `/api/v1/people?q=${a}`, { session: admin })).json.items[0].id;
  const page = (await call('GET', `/api/v1/people/${id}`, { session: admin })).json;
  assert.deepEqual(page.categories.map((c) => c.category).sort(), ['military_family', 'veteran']);
});

test('bad files get a clear error and change nothing', async () => {
  const admin = await login('admin');
  const noId = await upload(admin, '姓名,居住地区代码\r\n张三,130902\r\n');
  assert.equal(noId.status, 400);
  assert.equal(noId.json.error.code, 'import_missing_column');
  const empty = await upload(admin, '');
  assert.equal(empty.status, 400);
  const notXlsx = await upload(admin, Buffer.from('PK\x03\x04garbage'));
  assert.equal(notXlsx.status, 400);
  const badQuote = await upload(admin, `${HEADER}\r\n"${makeIdNumber()},张三,13900000000,130902,x\r\n`);
  assert.equal(badQuote.status, 400);
  assert.equal(badQuote.json.error.code, 'csv_unterminated_quote');
  const officer = await login('officer'); // 新华区: rows of other regions are problems, not imports
  const scoped = await upload(officer, `${HEADER}\r\n${makeIdNumber('130982')},李四,13900000001,130982,任丘\r\n`, '?commit=1');
  assert.equal(scoped.json.inserted, 0);
  assert.equal(scoped.json.problems[0].code, 'region_out_of_scope');
});

async function ownServer(url) {
  const port = 30000 + Math.floor(Math.random() * 20000);
  const base = `http://127.0.0.1:${port}`;
  const srv = spawn(BIN, ['serve', '--db', url, '--listen', `127.0.0.1:${port}`, '--access-log', 'off'], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    try { if ((await fetch(base + '/healthz')).ok) break; } catch { /* starting */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { srv, base };
}

if (BACKEND === 'sqlite') {
  test('a GBK file round-trips byte-exact through import and export', async () => {
    const url = `sqlite:${path.join(WORK, 'roundtrip.db')}`;
    execFileSync(BIN, ['init', '--db', url]);
    execFileSync(BIN, ['user', 'add', 'rt.admin', '--role', 'admin', '--region', '130900', '--db', url],
      { env: { ...process.env, SHUANGYONG_PASSWORD: 'round-trip-pass-1' } });
    const original = toGbk(toText(peopleCsv(300)));
    const file = path.join(WORK, 'roundtrip.csv');
    fs.writeFileSync(file, original);
    execFileSync(BIN, ['import', 'people', file, '--db', url]);
    const { srv, base } = await ownServer(url);
    try {
      const res = await fetch(base + '/api/v1/auth/login', {
        method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username: 'rt.admin', password: 'round-trip-pass-1' }),
      });
      const cookie = res.headers.get('set-cookie').split(';')[0];
      const exp = await fetch(`${base}/api/v1/people?format=csv&layout=import&encoding=gb18030&unmask=1&reason=${encodeURIComponent('导出核对')}`,
        { headers: { Cookie: cookie } });
      assert.equal(exp.status, 200);
      assert.match(exp.headers.get('content-type'), /gb18030/);
      const back = Buffer.from(await exp.arrayBuffer());
      assert.equal(gbk.decode(back).split('\r\n')[1], gbk.decode(original).split('\r\n')[1]);
      assert.ok(back.equals(original), 'byte-exact');
    } finally {
      srv.kill('SIGTERM');
      await new Promise((r) => srv.on('exit', r));
    }
  });

  test('an import killed half-way leaves nothing half-written', async () => {
    const file = path.join(WORK, 'big.csv');
    const url = `sqlite:${path.join(WORK, 'killed.db')}`;
    fs.writeFileSync(file, toText(peopleCsv(150000)));
    execFileSync(BIN, ['init', '--db', url]);
    const env = { ...process.env, ASAN_OPTIONS: 'detect_leaks=0' };
    const child = spawn(BIN, ['import', 'people', file, '--db', url], { env, stdio: 'ignore' });
    // kill it once it is writing: the WAL grows while the transaction is open
    const wal = path.join(WORK, 'killed.db-wal');
    for (let i = 0; i < 600 && child.exitCode === null; i++) {
      if (fs.existsSync(wal) && fs.statSync(wal).size > 4 << 20) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    assert.equal(child.exitCode, null, 'the import finished before it could be killed');
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    const db = url.slice('sqlite:'.length);
    assert.equal(execFileSync('sqlite3', [db, 'SELECT COUNT(*) FROM people'], { encoding: 'utf8' }).trim(), '0');
    assert.equal(execFileSync('sqlite3', [db, 'SELECT COUNT(*) FROM people_name_grams'], { encoding: 'utf8' }).trim(), '0');
    assert.equal(execFileSync('sqlite3', [db, 'PRAGMA integrity_check'], { encoding: 'utf8' }).trim(), 'ok');
  });
}
