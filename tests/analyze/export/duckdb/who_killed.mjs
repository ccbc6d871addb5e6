// Loads a sigan table export into DuckDB with the export's own duckdb.sql,
// then runs the who-killed query of docs/fleet.md (the fenced block after
// "<!-- query: who-killed -->") for a pid, and prints the rows as JSON Lines.
// usage: node who_killed.mjs EXPORT_DIR FLEET_MD PID
import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const [dir, doc, pid] = process.argv.slice(2);
const fleetDoc = doc && resolve(doc);  // before the chdir below
if (!dir || !doc || !pid) {
  console.error('usage: node who_killed.mjs EXPORT_DIR FLEET_MD PID');
  process.exit(2);
}

function docQuery(name) {
  const text = readFileSync(fleetDoc, 'utf8');
  const marker = `<!-- query: ${name} -->`;
  const at = text.indexOf(marker);
  if (at < 0) throw new Error(`${fleetDoc}: no ${marker}`);
  const block = text.slice(at).match(/```sql\n([\s\S]*?)```/);
  if (!block) throw new Error(`${fleetDoc}: no sql block after ${marker}`);
  return block[1];
}

const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
process.chdir(dir);
const load = await connection.extractStatements(readFileSync(join('.', 'duckdb.sql'), 'utf8'));
for (let i = 0; i < load.count; ++i) await (await load.prepare(i)).run();

const reader = await connection.runAndReadAll(docQuery('who-killed'), { pid: Number(pid) });
// BIGINTs come as JavaScript bigints: numbers where exact, else strings
// (wall-clock ns do not fit a double).
const plain = (v) =>
  typeof v === 'bigint' ? (Number.isSafeInteger(Number(v)) ? Number(v) : v.toString()) : v;
for (const row of reader.getRowObjectsJS()) {
  console.log(JSON.stringify(Object.fromEntries(Object.entries(row).map(([k, v]) => [k, plain(v)]))));
}
