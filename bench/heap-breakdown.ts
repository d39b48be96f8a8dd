/**
 * What a heap holds more of in one V8 heap snapshot than in another, by kind of object: self sizes summed per
 * (node type, constructor or string), the largest growths first. The memory phase writes the two snapshots with
 * BENCH_HEAP_SNAPSHOTS=dir (idle, then 1,000 live conversations after GC):
 *
 *   BENCH_PHASES=memory BENCH_RECONCILE=0 BENCH_HEAP_SNAPSHOTS=/tmp/heap npx tsx bench/run.ts
 *   npx tsx bench/heap-breakdown.ts /tmp/heap/idle-7000.heapsnapshot /tmp/heap/live-7000.heapsnapshot 1000
 *
 * The last argument divides the growth (per live conversation). Self sizes, not retained sizes: a Map's entries
 * count under the Map's backing store ("array"/"(object elements)") and strings under "string", so read the
 * kinds together with what holds them (a name column shows a sample of each kind's strings).
 */
import { readFileSync } from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

interface Kind {
  bytes: number;
  count: number;
}

function kinds(path: string): Map<string, Kind> {
  const snap = JSON.parse(readFileSync(path, 'utf8')) as Snapshot;
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const out = new Map<string, Kind>();
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + typeAt]!] ?? '?';
    let name = snap.strings[snap.nodes[i + nameAt]!] ?? '?';
    // Strings by their shape (JWT, JSON, …), never their text: a snapshot of a bot holds tokens.
    if (type === 'string' || type === 'concatenated string' || type === 'sliced string') name = shapeOf(name);
    const key = `${type}: ${name}`;
    const kind = out.get(key) ?? { bytes: 0, count: 0 };
    kind.bytes += snap.nodes[i + sizeAt]!;
    kind.count++;
    out.set(key, kind);
  }
  return out;
}

function shapeOf(text: string): string {
  if (/^eyJ[\w-]+\.[\w-]+\.[\w-]*$/.test(text)) return '(JWT)';
  if (text.startsWith('{') || text.startsWith('[')) return '(JSON)';
  if (text.length > 200) return '(long string)';
  if (/^[0-9a-f-]{36}$/i.test(text)) return '(guid)';
  return '(short string)';
}

function main(): void {
  const [before, after, perArg] = process.argv.slice(2);
  if (!before || !after) {
    process.stderr.write('usage: npx tsx bench/heap-breakdown.ts <before.heapsnapshot> <after.heapsnapshot> [per]\n');
    process.exit(2);
  }
  const per = Number(perArg ?? 1);
  const a = kinds(before);
  const b = kinds(after);
  const rows = [...b.entries()]
    .map(([key, k]) => {
      const was = a.get(key) ?? { bytes: 0, count: 0 };
      return { key, bytes: k.bytes - was.bytes, count: k.count - was.count };
    })
    .filter((r) => r.bytes > 0)
    .sort((x, y) => y.bytes - x.bytes);
  const total = rows.reduce((s, r) => s + r.bytes, 0);
  const lost = [...a.entries()].reduce((s, [key, k]) => s + Math.max(0, k.bytes - (b.get(key)?.bytes ?? 0)), 0);
  process.stdout.write(
    `grew ${(total / 1024).toFixed(0)} KB (shrank ${(lost / 1024).toFixed(0)} KB elsewhere); net per ${per > 1 ? 'unit' : 'run'}: ${((total - lost) / per).toFixed(0)} B\n`,
  );
  process.stdout.write('bytes/unit  objects/unit  kind\n');
  for (const r of rows.slice(0, 40)) {
    process.stdout.write(
      `${(r.bytes / per).toFixed(0).padStart(10)}  ${(r.count / per).toFixed(2).padStart(12)}  ${r.key.slice(0, 100)}\n`,
    );
  }
}

main();
