// Does a SQL statement route to one client's shard? On a database distributed by client_id
// (docs/scaling.md), a statement on a client-scoped table goes to one shard only
// when each reference to such a table is pinned to one client: `t.client_id = $n` (or a literal),
// or `t.client_id = u.client_id` with u pinned, and an INSERT's rows all carry one client_id given
// as a parameter. This reads the statement as the driver sent it; it is not a SQL parser, only
// strict enough that dropping a statement's client_id equality is noticed (test/unit/statement-routing.test.ts).
import { CROSS_SHARD, crossShardTag } from '../../src/db/cross-shard.js';

type Token = { kind: 'ident' | 'param' | 'literal' | 'punct'; value: string };

const KEYWORDS = new Set(
  `where set on join inner left right full cross natural using order group limit offset returning values union except intersect
   for having window default select lateral fetch from and or not as`.split(/\s+/),
);

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s+|--[^\n]*|\/\*[\s\S]*?\*\/|'(?:[^']|'')*'|\$(\w*)\$[\s\S]*?\$\1\$|"((?:[^"]|"")*)"|\$(\d+)|([A-Za-z_][A-Za-z0-9_$]*)|(\d+(?:\.\d+)?)|(::|<>|<=|>=|!=|\|\||->>|->|[^\s])/g;
  for (const m of text.matchAll(re)) {
    const [whole, , quoted, param, word, number, punct] = m;
    if (/^\s/.test(whole) || whole.startsWith('--') || whole.startsWith('/*')) continue;
    if (whole.startsWith("'") || whole.startsWith('$') && param === undefined) tokens.push({ kind: 'literal', value: whole });
    else if (quoted !== undefined) tokens.push({ kind: 'ident', value: quoted.replace(/""/g, '"') });
    else if (param !== undefined) tokens.push({ kind: 'param', value: param });
    else if (word !== undefined) tokens.push({ kind: 'ident', value: word.toLowerCase() });
    else if (number !== undefined) tokens.push({ kind: 'literal', value: number });
    else tokens.push({ kind: 'punct', value: punct as string });
  }
  // Casts say nothing about routing: `$1::uuid` is `$1`, `x::text[]` is `x`.
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.kind === 'punct' && t.value === '::') {
      i++; // the type's name
      while (tokens[i + 1]?.value === '[' && tokens[i + 2]?.value === ']') i += 2;
      if (tokens[i + 1]?.value === '(') while (i < tokens.length && tokens[i]?.value !== ')') i++;
      continue;
    }
    out.push(t);
  }
  return out;
}

const is = (t: Token | undefined, value: string) => t !== undefined && t.kind !== 'literal' && t.kind !== 'param' && t.value === value;

/** The items of a parenthesized list starting at tokens[open] (a '('), split at its top-level commas, and the index after ')'. */
function listAt(tokens: Token[], open: number): { items: Token[][]; end: number } {
  const items: Token[][] = [[]];
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (is(t, '(')) {
      if (depth++ === 0) continue;
    } else if (is(t, ')')) {
      if (--depth === 0) return { items, end: i + 1 };
    } else if (depth === 1 && is(t, ',')) {
      items.push([]);
      continue;
    }
    (items[items.length - 1] as Token[]).push(t);
  }
  return { items, end: tokens.length };
}

/** The top-level select list starting after tokens[at] (a 'select'), up to its FROM or end. */
function selectListAt(tokens: Token[], at: number): Token[][] {
  const items: Token[][] = [[]];
  let depth = 0;
  for (let i = at + 1; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (is(t, '(')) depth++;
    else if (is(t, ')')) {
      if (depth-- === 0) break;
    } else if (depth === 0 && (is(t, 'from') || is(t, 'on') || is(t, 'returning') || is(t, ';'))) break;
    else if (depth === 0 && is(t, ',')) {
      items.push([]);
      continue;
    }
    (items[items.length - 1] as Token[]).push(t);
  }
  return items;
}

export interface StatementVerdict {
  /** What keeps the statement off one client's shard; empty when it routes (or touches no client-scoped table). */
  problems: string[];
  /** The CROSS_SHARD entry the statement is tagged with, when it is one. */
  crossShard?: string;
}

/**
 * Whether a statement on the client-scoped tables names one client for each of them. `params` are
 * the statement's parameters as sent (to see that a multi-row INSERT, or two equalities, name the
 * same client); without them that part is not checked.
 */
export function statementRouting(text: string, clientScoped: ReadonlySet<string>, params?: readonly unknown[]): StatementVerdict {
  const tag = crossShardTag(text);
  if (tag !== undefined) return Object.hasOwn(CROSS_SHARD, tag) ? { problems: [], crossShard: tag } : { problems: [`tagged cross-shard "${tag}", which src/db/cross-shard.ts does not list`] };
  const tokens = tokenize(text);
  const problems: string[] = [];
  const clientValues: unknown[] = [];
  const valueOf = (t: Token) => (t.kind === 'param' ? (params ? params[Number(t.value) - 1] : undefined) : t.value);
  const pinned = (item: Token[]) => item.length === 1 && ((item[0] as Token).kind === 'param' || (item[0] as Token).kind === 'literal');

  // The references to client-scoped tables, each with the name the statement calls it by.
  const refs: Array<{ table: string; name: string }> = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.kind !== 'ident' || !clientScoped.has(t.value)) continue;
    if (is(tokens[i + 1], '.')) continue; // a column's qualifier
    if (is(tokens[i - 1], '.') && !is(tokens[i - 2], 'public')) continue; // a column of that name
    if (is(tokens[i - 1], 'as') || is(tokens[i - 1], 'of')) continue; // an output column's name; FOR UPDATE OF
    let next = i + 1;
    if (is(tokens[next], 'as')) next++;
    const alias = tokens[next]?.kind === 'ident' && !KEYWORDS.has((tokens[next] as Token).value) ? (tokens[next] as Token).value : undefined;
    if (is(tokens[i - 1], 'into')) {
      // INSERT: the client_id column, with one client's value in every row.
      const open = alias !== undefined ? next + 1 : next;
      if (!is(tokens[open], '(')) {
        problems.push(`insert into ${t.value} names no columns`);
        continue;
      }
      const columns = listAt(tokens, open);
      const at = columns.items.findIndex((c) => c.length === 1 && (c[0] as Token).value === 'client_id');
      if (at < 0) {
        problems.push(`insert into ${t.value} gives no client_id`);
        continue;
      }
      let rows: Token[][][] = [];
      if (is(tokens[columns.end], 'values')) {
        for (let j = columns.end + 1; is(tokens[j], '('); ) {
          const row = listAt(tokens, j);
          rows.push(row.items);
          j = is(tokens[row.end], ',') ? row.end + 1 : tokens.length;
        }
      } else if (is(tokens[columns.end], 'select')) {
        rows = [selectListAt(tokens, columns.end)];
      }
      if (rows.length === 0) problems.push(`insert into ${t.value}: rows come neither from VALUES nor from a SELECT`);
      for (const row of rows) {
        const item = row[at] ?? [];
        if (pinned(item)) clientValues.push(valueOf(item[0] as Token));
        else problems.push(`insert into ${t.value}: client_id is ${item.map((x) => x.value).join(' ') || 'missing'}, not one parameter`);
      }
      continue;
    }
    refs.push({ table: t.value, name: alias ?? t.value });
  }

  // The client_id equalities: to a value (a parameter or a literal), or to another reference's client_id.
  const toValue = new Map<string, number>();
  let unqualified = 0;
  const joins: Array<[string, string]> = [];
  type Operand = { column: string | null } | { value: Token };
  // The operand that ends at tokens[j] (left of '=') or starts there (right of it).
  const operand = (j: number, leftward: boolean): Operand | null => {
    const t = tokens[j];
    if (t === undefined) return null;
    if (t.kind === 'param' || t.kind === 'literal') return { value: t };
    if (leftward && is(t, 'client_id')) {
      if (!is(tokens[j - 1], '.')) return { column: null };
      return tokens[j - 2]?.kind === 'ident' ? { column: (tokens[j - 2] as Token).value } : null;
    }
    if (!leftward && is(t, 'client_id') && !is(tokens[j - 1], '.')) return { column: null };
    if (!leftward && t.kind === 'ident' && is(tokens[j + 1], '.') && is(tokens[j + 2], 'client_id')) return { column: t.value };
    return null;
  };
  // An equality OR-ed with anything pins nothing (`client_id = $1 or true` reaches every shard): it
  // counts only when no OR stands beside it in its own parenthesized group or clause.
  const CLAUSE_ENDS = new Set(['where', 'on', 'select', 'from', 'set', 'returning', 'union', 'join', 'using', 'having', 'order', 'group', 'limit', ';']);
  const besideOr = (at: number): boolean => {
    for (const step of [-1, 1]) {
      let depth = 0;
      for (let j = at + step; j >= 0 && j < tokens.length; j += step) {
        const t = tokens[j] as Token;
        if (is(t, step < 0 ? ')' : '(')) depth++;
        else if (is(t, step < 0 ? '(' : ')')) {
          if (depth-- === 0) break;
        } else if (depth === 0 && is(t, 'or')) return true;
        else if (depth === 0 && t.kind === 'ident' && CLAUSE_ENDS.has(t.value)) break;
      }
    }
    return false;
  };
  for (let i = 0; i < tokens.length; i++) {
    if (!is(tokens[i], '=')) continue;
    if (besideOr(i)) continue;
    const left = operand(i - 1, true);
    const right = operand(i + 1, false);
    if (!left || !right) continue;
    if ('column' in left && 'column' in right) {
      if (left.column !== null && right.column !== null) joins.push([left.column, right.column]);
    } else if ('column' in left || 'column' in right) {
      const [col, val] = 'column' in left ? [left, right] : [right as { column: string | null }, left];
      if (!('value' in val)) continue;
      clientValues.push(valueOf(val.value));
      if (col.column === null) unqualified++;
      else toValue.set(col.column, (toValue.get(col.column) ?? 0) + 1);
    }
  }

  // Each reference takes one equality of its name; then joins pin what they join to a pinned one.
  const unpinned = new Map<string, number>();
  const pinnedNames = new Set<string>();
  for (const ref of refs) {
    const left = toValue.get(ref.name) ?? 0;
    if (left > 0) {
      toValue.set(ref.name, left - 1);
      pinnedNames.add(ref.name);
    } else if (unqualified > 0) {
      unqualified--;
      pinnedNames.add(ref.name);
    } else unpinned.set(ref.name, (unpinned.get(ref.name) ?? 0) + 1);
  }
  for (let changed = true; changed; ) {
    changed = false;
    for (let j = 0; j < joins.length; j++) {
      const [a, b] = joins[j] as [string, string];
      for (const [from, to] of [[a, b], [b, a]] as const) {
        if (pinnedNames.has(from) && (unpinned.get(to) ?? 0) > 0) {
          unpinned.set(to, (unpinned.get(to) ?? 0) - 1);
          pinnedNames.add(to);
          joins.splice(j--, 1);
          changed = true;
          break;
        }
      }
    }
  }
  for (const ref of refs) {
    if ((unpinned.get(ref.name) ?? 0) > 0) {
      unpinned.set(ref.name, (unpinned.get(ref.name) ?? 0) - 1);
      problems.push(`${ref.table}${ref.name === ref.table ? '' : ` (${ref.name})`} has no client_id equality`);
    }
  }
  if (params !== undefined && problems.length === 0) {
    const distinct = new Set(clientValues.map((v) => JSON.stringify(v)));
    if (distinct.size > 1) problems.push(`names ${distinct.size} clients: ${[...distinct].join(', ')}`);
  }
  return { problems };
}

/** The client-scoped tables: every table of src/db/schema.ts with a client_id column. */
export async function clientScopedTables(): Promise<Set<string>> {
  const { getTableConfig, PgTable } = await import('drizzle-orm/pg-core');
  const schema = await import('../../src/db/schema.js');
  const names = new Set<string>();
  for (const value of Object.values(schema)) {
    if (!(value instanceof PgTable)) continue;
    const config = getTableConfig(value);
    if (config.columns.some((c) => c.name === 'client_id')) names.add(config.name);
  }
  return names;
}
