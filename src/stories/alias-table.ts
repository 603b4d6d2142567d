// The alias table (upstream key → story id) as a plain object that grows without being copied.
//
// With 100,000 stories the table holds ~400,000 keys; copying an object that size takes about a second here,
// and mergeIncoming must not modify its input. So a table is a flat base plus at most one small overlay whose
// prototype is the base: `table[key]` finds either, `for…in` lists both, and extending a table copies only the
// overlay. When the overlay grows past REBASE_AT keys it is folded into a new flat base (rare).

const REBASE_AT = 20_000;

/** Overlay → the flat base it sits on. A table not in here is flat. */
const overlays = new WeakMap<object, Record<string, string>>();

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
  if (added.size === 0) return table;
  const base = overlays.get(table) ?? table;
  const own = base === table ? [] : Object.entries(table);
  if (own.length + added.size > REBASE_AT) return buildAliasTable([...aliasEntries(table), ...added]);
  const layer = Object.create(base) as Record<string, string>;
  for (const [k, v] of own) layer[k] = v;
  for (const [k, v] of added) if (lookupAlias(table, k) === undefined) layer[k] = v;
  overlays.set(layer, base);
  return layer;
}
