import { graphErrors } from '../errors';
import type { Json, JsonObject } from '../json';

/**
 * A small OData $filter: comparisons (eq, ne, gt, ge, lt, le), `in`, `and`, `or`, `not`, parentheses,
 * startswith/endswith/contains, property paths with '/', literals 'string' (with '' escapes), numbers,
 * true/false/null and unquoted date-times.
 */
export type Literal = string | number | boolean | null;

export type FilterNode =
  | { kind: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; operand: FilterNode }
  | { kind: 'cmp'; op: 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le'; path: string[]; value: Literal }
  | { kind: 'in'; path: string[]; values: Literal[] }
  | { kind: 'fn'; name: 'startswith' | 'endswith' | 'contains'; path: string[]; value: string };

type Token =
  | { t: 'lp' | 'rp' | 'comma'; pos: number }
  | { t: 'str'; v: string; pos: number }
  | { t: 'word'; v: string; pos: number };

export const DATE_TIME = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?$/;

function invalid(text: string, pos: number): Error {
  return graphErrors.badRequest(`Invalid filter clause: Syntax error at position ${pos} in '${text}'.`);
}

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] ?? '';
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(') {
      out.push({ t: 'lp', pos: i++ });
    } else if (c === ')') {
      out.push({ t: 'rp', pos: i++ });
    } else if (c === ',') {
      out.push({ t: 'comma', pos: i++ });
    } else if (c === "'") {
      const start = i++;
      let v = '';
      for (;;) {
        if (i >= text.length) throw invalid(text, start);
        if (text[i] === "'") {
          if (text[i + 1] === "'") {
            v += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        v += text[i++];
      }
      out.push({ t: 'str', v, pos: start });
    } else {
      const start = i;
      while (i < text.length && !/[\s(),']/.test(text[i] ?? '')) i++;
      out.push({ t: 'word', v: text.slice(start, i), pos: start });
    }
  }
  return out;
}

export function parseFilter(text: string): FilterNode {
  const tokens = tokenize(text);
  let p = 0;
  const peek = (): Token | undefined => tokens[p];
  const isWord = (w: string): boolean => {
    const tok = peek();
    return tok?.t === 'word' && tok.v.toLowerCase() === w;
  };
  const fail = (): Error => invalid(text, peek()?.pos ?? text.length);

  const literal = (): Literal => {
    const tok = tokens[p++];
    if (!tok) throw invalid(text, text.length);
    if (tok.t === 'str') return tok.v;
    if (tok.t !== 'word') throw invalid(text, tok.pos);
    const w = tok.v.toLowerCase();
    if (w === 'null') return null;
    if (w === 'true') return true;
    if (w === 'false') return false;
    if (/^-?\d+(\.\d+)?$/.test(tok.v)) return Number(tok.v);
    if (DATE_TIME.test(tok.v)) return tok.v;
    if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(tok.v)) return tok.v;
    throw invalid(text, tok.pos);
  };

  const path = (): string[] => {
    const tok = tokens[p++];
    if (tok?.t !== 'word' || !/^[A-Za-z_@][\w@./]*$/.test(tok.v)) throw invalid(text, tok?.pos ?? text.length);
    return tok.v.split('/');
  };

  const primary = (): FilterNode => {
    const tok = peek();
    if (!tok) throw fail();
    if (tok.t === 'lp') {
      p++;
      const inner = orExpr();
      if (peek()?.t !== 'rp') throw fail();
      p++;
      return inner;
    }
    if (isWord('not')) {
      p++;
      return { kind: 'not', operand: primary() };
    }
    if (tok.t === 'word' && tokens[p + 1]?.t === 'lp') {
      const name = tok.v.toLowerCase();
      if (name !== 'startswith' && name !== 'endswith' && name !== 'contains') {
        throw graphErrors.badRequest(`Invalid filter clause: An unknown function with name '${tok.v}' was found.`);
      }
      p += 2;
      const fnPath = path();
      if (peek()?.t !== 'comma') throw fail();
      p++;
      const value = literal();
      if (peek()?.t !== 'rp' || typeof value !== 'string') throw fail();
      p++;
      return { kind: 'fn', name, path: fnPath, value };
    }
    const left = path();
    const opTok = tokens[p++];
    if (opTok?.t !== 'word') throw invalid(text, opTok?.pos ?? text.length);
    const op = opTok.v.toLowerCase();
    if (op === 'in') {
      if (peek()?.t !== 'lp') throw fail();
      p++;
      const values: Literal[] = [literal()];
      while (peek()?.t === 'comma') {
        p++;
        values.push(literal());
      }
      if (peek()?.t !== 'rp') throw fail();
      p++;
      return { kind: 'in', path: left, values };
    }
    if (op === 'eq' || op === 'ne' || op === 'gt' || op === 'ge' || op === 'lt' || op === 'le') {
      return { kind: 'cmp', op, path: left, value: literal() };
    }
    throw invalid(text, opTok.pos);
  };

  const andExpr = (): FilterNode => {
    let left = primary();
    while (isWord('and')) {
      p++;
      left = { kind: 'and', left, right: primary() };
    }
    return left;
  };

  const orExpr = (): FilterNode => {
    let left = andExpr();
    while (isWord('or')) {
      p++;
      left = { kind: 'or', left, right: andExpr() };
    }
    return left;
  };

  const node = orExpr();
  if (p !== tokens.length) throw fail();
  return node;
}

function resolvePath(obj: JsonObject, path: string[], typeName: string): Json | undefined {
  let cur: Json | undefined = obj;
  for (const [i, seg] of path.entries()) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    const key: string | undefined = Object.keys(cur).find((k) => k.toLowerCase() === seg.toLowerCase());
    if (key === undefined) {
      if (i === 0) {
        throw graphErrors.badRequest(`Could not find a property named '${seg}' on type '${typeName}'.`);
      }
      return undefined;
    }
    cur = cur[key];
  }
  return cur;
}

function compare(a: Json | undefined, b: Literal): number | null {
  if (a === undefined || a === null || b === null) return null;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') {
    if (DATE_TIME.test(a) && DATE_TIME.test(b)) return Date.parse(a) - Date.parse(b);
    const x = a.toLowerCase();
    const y = b.toLowerCase();
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return null;
}

function equals(a: Json | undefined, b: Literal): boolean {
  if (b === null) return a === null || a === undefined;
  if (typeof a === 'string' && typeof b === 'string') return compare(a, b) === 0;
  return a === b;
}

export function evaluateFilter(node: FilterNode, obj: JsonObject, typeName: string): boolean {
  switch (node.kind) {
    case 'and':
      return evaluateFilter(node.left, obj, typeName) && evaluateFilter(node.right, obj, typeName);
    case 'or':
      return evaluateFilter(node.left, obj, typeName) || evaluateFilter(node.right, obj, typeName);
    case 'not':
      return !evaluateFilter(node.operand, obj, typeName);
    case 'in': {
      const v = resolvePath(obj, node.path, typeName);
      return node.values.some((x) => equals(v, x));
    }
    case 'fn': {
      const v = resolvePath(obj, node.path, typeName);
      if (typeof v !== 'string') return false;
      const a = v.toLowerCase();
      const b = node.value.toLowerCase();
      return node.name === 'startswith' ? a.startsWith(b) : node.name === 'endswith' ? a.endsWith(b) : a.includes(b);
    }
    case 'cmp': {
      const v = resolvePath(obj, node.path, typeName);
      if (node.op === 'eq') return equals(v, node.value);
      if (node.op === 'ne') return !equals(v, node.value);
      const c = compare(v, node.value);
      if (c === null) return false;
      return node.op === 'gt' ? c > 0 : node.op === 'ge' ? c >= 0 : node.op === 'lt' ? c < 0 : c <= 0;
    }
  }
}

/**
 * The `prop eq 'value'` terms of a filter made only of such terms joined by `and`, keyed by lower-cased
 * property name; null when the filter has any other shape.
 */
export function equalityTerms(node: FilterNode): Map<string, Literal> | null {
  const out = new Map<string, Literal>();
  const walk = (n: FilterNode): boolean => {
    if (n.kind === 'and') return walk(n.left) && walk(n.right);
    if (n.kind === 'cmp' && n.op === 'eq' && n.path.length === 1) {
      out.set((n.path[0] ?? '').toLowerCase(), n.value);
      return true;
    }
    return false;
  };
  return walk(node) ? out : null;
}
