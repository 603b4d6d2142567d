// The alias table (upstream key → story id) as a plain object that grows without being copied.
//
// With 100,000 stories the table holds ~400,000 keys; copying an object that size takes about a second here,
// and mergeIncoming must not modify its input (the worker merges once per source, so a run of 100 feeds
// extends the table 100 times). So a table is a flat base plus a short chain of small layers, each with the
// previous as its prototype: `table[key]` finds any, `for…in` lists all, and extending adds one layer holding
// only the new keys. A chain deeper than MAX_DEPTH is squashed into one layer (copying the layers, never the
// base); layers holding more than REBASE_AT keys in all are folded into a new flat base (rare).

const REBASE_AT = 20_000;
const MAX_DEPTH = 16;

interface Layering {
  base: Record<string, string>;
  depth: number;
  /** Keys held by the layers, base excluded. */
  size: number;
}

/** Layer → where it sits. A table not in here is flat. */
const overlays = new WeakMap<object, Layering>();

/** A flat table with no prototype, so no key ("constructor", "__proto__") can hit Object.prototype. */
export function buildAliasTable(entries: Iterable<readonly [string, string]>): Record<string, string> {
  const t = Object.create(null) as Record<string, string>;
  for (const [k, v] of entries) if (!(k in t)) t[k] = v;
  return t;
}

/** Every key and id of a table, overlay included. */
export function aliasEntries(table: Record<string, string>): [string, string][] {
  const out: [string, string][] = [];
  for (const k in table) out.push([k, table[k]!]);
  return out;
}

export function lookupAlias(table: Record<string, string>, key: string): string | undefined {
  const v = table[key];
  return typeof v === 'string' ? v : undefined;
}

/** A new table with `added` on top of `table`; `table` itself is not changed. Existing keys are never remapped. */
export function extendAliases(table: Record<string, string>, added: ReadonlyMap<string, string>): Record<string, string> {
  const fresh = [...added].filter(([k]) => lookupAlias(table, k) === undefined);
  if (fresh.length === 0) return table;
  const info = overlays.get(table);
  const size = (info?.size ?? 0) + fresh.length;
  if (size > REBASE_AT) return buildAliasTable([...aliasEntries(table), ...fresh]);
  const base = info?.base ?? table;
  let below = table;
  let own: [string, string][] = [];
  if (info && info.depth >= MAX_DEPTH) {
    // Squash the layers (not the base) into one.
    for (let t: object = table; t !== base; t = Object.getPrototypeOf(t) as object)
      for (const k of Object.keys(t)) own.push([k, (t as Record<string, string>)[k]!]);
    own = own.reverse();
    below = base;
  }
  const layer = Object.create(below) as Record<string, string>;
  for (const [k, v] of own) layer[k] = v;
  for (const [k, v] of fresh) layer[k] = v;
  overlays.set(layer, { base, depth: below === base ? 1 : info!.depth + 1, size });
  return layer;
}
