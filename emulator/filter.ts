/**
 * `$filter` parser and evaluator for the OData v3 subset the contract-based API accepts:
 * `eq ne gt ge lt le`, `and`, `or`, parentheses, the functions `substringof`, `startswith`, `endswith`,
 * field paths through linked entities (`MainContact/Email`) and the literals string (`'O''Brien'`),
 * number, decimal (`10.5M`), boolean, `null`, `guid'…'`, `datetimeoffset'…'`, `datetime'…'` and `date'…'`.
 */

export type Literal =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
  | { kind: 'guid'; value: string }
  | { kind: 'datetime'; value: number; text: string };

export type Operand =
  { kind: 'field'; path: string[] } | { kind: 'literal'; literal: Literal } | FunctionCall;

export interface FunctionCall {
  kind: 'call';
  name: 'substringof' | 'startswith' | 'endswith';
  args: Operand[];
}

export type CompareOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';

export type FilterExpr =
  | { kind: 'and' | 'or'; left: FilterExpr; right: FilterExpr }
  | { kind: 'compare'; op: CompareOp; left: Operand; right: Operand }
  | { kind: 'call'; call: FunctionCall };

/** A syntax error in `$filter`; the emulator answers it with a 500 like the real server. */
export class FilterSyntaxError extends Error {}

type Token =
  | { t: 'lparen' | 'rparen' | 'comma' }
  | { t: 'word'; v: string }
  | { t: 'string'; v: string }
  | { t: 'typed'; type: string; v: string }
  | { t: 'number'; v: number };

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const readQuoted = (): string => {
    // i points at the opening quote; a doubled quote is an escaped quote.
    let s = '';
    i++;
    for (;;) {
      if (i >= src.length) throw new FilterSyntaxError('Unterminated string literal');
      const ch = src[i]!;
      if (ch === "'") {
        if (src[i + 1] === "'") {
          s += "'";
          i += 2;
          continue;
        }
        i++;
        return s;
      }
      s += ch;
      i++;
    }
  };
  while (i < src.length) {
    const ch = src[i]!;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '(') {
      out.push({ t: 'lparen' });
      i++;
    } else if (ch === ')') {
      out.push({ t: 'rparen' });
      i++;
    } else if (ch === ',') {
      out.push({ t: 'comma' });
      i++;
    } else if (ch === "'") {
      out.push({ t: 'string', v: readQuoted() });
    } else if (/[0-9]/.test(ch) || (ch === '-' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const m = /^-?\d+(\.\d+)?([mMdDfFlL])?/.exec(src.slice(i));
      if (!m) throw new FilterSyntaxError(`Unexpected character at ${i}`);
      out.push({ t: 'number', v: Number(m[0].replace(/[mMdDfFlL]$/, '')) });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(ch)) {
      const m = /^[A-Za-z_][A-Za-z0-9_./]*/.exec(src.slice(i))!;
      i += m[0].length;
      if (src[i] === "'" && ['guid', 'datetimeoffset', 'datetime', 'date'].includes(m[0].toLowerCase())) {
        out.push({ t: 'typed', type: m[0].toLowerCase(), v: readQuoted() });
      } else {
        out.push({ t: 'word', v: m[0] });
      }
    } else {
      throw new FilterSyntaxError(`Unexpected character '${ch}' at position ${i}`);
    }
  }
  return out;
}

const COMPARE_OPS = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);
const FUNCTIONS = new Set(['substringof', 'startswith', 'endswith']);

/** Parses a `$filter` text (already URL-decoded). */
export function parseFilter(src: string): FilterExpr {
  const tokens = tokenize(src);
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const isWord = (tok: Token | undefined, w: string): boolean =>
    tok?.t === 'word' && tok.v.toLowerCase() === w;
  const expect = (t: Token['t']): void => {
    if (peek()?.t !== t) throw new FilterSyntaxError(`Expected ${t} at token ${pos}`);
    pos++;
  };

  const parseOr = (): FilterExpr => {
    let left = parseAnd();
    while (isWord(peek(), 'or')) {
      pos++;
      left = { kind: 'or', left, right: parseAnd() };
    }
    return left;
  };
  const parseAnd = (): FilterExpr => {
    let left = parsePrimary();
    while (isWord(peek(), 'and')) {
      pos++;
      left = { kind: 'and', left, right: parsePrimary() };
    }
    return left;
  };
  const parsePrimary = (): FilterExpr => {
    if (peek()?.t === 'lparen') {
      pos++;
      const e = parseOr();
      expect('rparen');
      return e;
    }
    const left = parseOperand();
    const next = peek();
    if (next?.t === 'word' && COMPARE_OPS.has(next.v.toLowerCase())) {
      pos++;
      return { kind: 'compare', op: next.v.toLowerCase() as CompareOp, left, right: parseOperand() };
    }
    if (left.kind === 'call') return { kind: 'call', call: left };
    throw new FilterSyntaxError('Expected a comparison operator');
  };
  const parseOperand = (): Operand => {
    const tok = peek();
    if (!tok) throw new FilterSyntaxError('Unexpected end of filter');
    pos++;
    switch (tok.t) {
      case 'string':
        return { kind: 'literal', literal: { kind: 'string', value: tok.v } };
      case 'number':
        return { kind: 'literal', literal: { kind: 'number', value: tok.v } };
      case 'typed':
        return { kind: 'literal', literal: typedLiteral(tok.type, tok.v) };
      case 'word': {
        const lower = tok.v.toLowerCase();
        if (lower === 'true' || lower === 'false')
          return { kind: 'literal', literal: { kind: 'boolean', value: lower === 'true' } };
        if (lower === 'null') return { kind: 'literal', literal: { kind: 'null' } };
        if (FUNCTIONS.has(lower) && peek()?.t === 'lparen') {
          pos++;
          const args: Operand[] = [parseOperand()];
          while (peek()?.t === 'comma') {
            pos++;
            args.push(parseOperand());
          }
          expect('rparen');
          if (args.length !== 2) throw new FilterSyntaxError(`${lower} takes two arguments`);
          return { kind: 'call', name: lower as FunctionCall['name'], args };
        }
        if (/[^A-Za-z0-9_/]/.test(tok.v)) throw new FilterSyntaxError(`Unsupported field reference ${tok.v}`);
        return { kind: 'field', path: tok.v.split('/') };
      }
      default:
        throw new FilterSyntaxError(`Unexpected token ${tok.t}`);
    }
  };

  const expr = parseOr();
  if (pos !== tokens.length) throw new FilterSyntaxError(`Unexpected token at ${pos}`);
  return expr;
}

function typedLiteral(type: string, text: string): Literal {
  if (type === 'guid') {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text))
      throw new FilterSyntaxError(`Invalid guid literal ${text}`);
    return { kind: 'guid', value: text.toLowerCase() };
  }
  const bare = /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00` : text;
  const hasZone = /(Z|[+-]\d{2}:\d{2})$/i.test(bare);
  // Literals without an offset are read as UTC; the caller passes offsets explicitly (api-reference §11.3).
  const ms = new Date(hasZone ? bare : `${bare}Z`).getTime();
  if (Number.isNaN(ms)) throw new FilterSyntaxError(`Invalid ${type} literal ${text}`);
  return { kind: 'datetime', value: ms, text };
}

/** What a record offers the evaluator for one field path. */
export type FieldValue =
  | { kind: 'value'; type: string; value: string | number | boolean | null }
  | { kind: 'detail' }
  | { kind: 'unknown' };

/** Raised while evaluating: a path into a detail collection (the real server's 500 "... is not a single value"). */
export class FilterEvaluationError extends Error {}

/** Evaluates a parsed filter against one record. */
export function evaluateFilter(expr: FilterExpr, resolve: (path: string[]) => FieldValue): boolean {
  switch (expr.kind) {
    case 'and':
      return evaluateFilter(expr.left, resolve) && evaluateFilter(expr.right, resolve);
    case 'or':
      return evaluateFilter(expr.left, resolve) || evaluateFilter(expr.right, resolve);
    case 'call':
      return callFunction(expr.call, resolve) === true;
    case 'compare': {
      // The real server answers `substringof(...) eq true` with an empty list (api-reference §4.1).
      if (expr.left.kind === 'call' || expr.right.kind === 'call') return false;
      const left = operandValue(expr.left, resolve);
      const right = operandValue(expr.right, resolve);
      return compare(expr.op, left, right);
    }
  }
}

type Resolved = { type: string; value: string | number | boolean | null };

function operandValue(op: Operand, resolve: (path: string[]) => FieldValue): Resolved {
  if (op.kind === 'literal') {
    const l = op.literal;
    switch (l.kind) {
      case 'null':
        return { type: 'null', value: null };
      case 'datetime':
        return { type: 'datetime', value: l.value };
      default:
        return { type: l.kind, value: l.value };
    }
  }
  if (op.kind === 'call') return { type: 'boolean', value: callFunction(op, resolve) };
  const v = resolve(op.path);
  if (v.kind === 'detail') throw new FilterEvaluationError(`${op.path.join('/')} is not a single value`);
  if (v.kind === 'unknown') return { type: 'null', value: null };
  if (v.type === 'DateTime' && typeof v.value === 'string')
    return { type: 'datetime', value: Date.parse(v.value) };
  return { type: v.type, value: v.value };
}

function callFunction(call: FunctionCall, resolve: (path: string[]) => FieldValue): boolean {
  const [a, b] = call.args.map((x) => operandValue(x, resolve));
  const s = (r: Resolved | undefined): string =>
    (r?.value === null || r === undefined ? '' : String(r.value)).toUpperCase();
  switch (call.name) {
    case 'substringof':
      return s(b).includes(s(a));
    case 'startswith':
      return s(a).startsWith(s(b));
    case 'endswith':
      return s(a).endsWith(s(b));
  }
}

function compare(op: CompareOp, l: Resolved, r: Resolved): boolean {
  if (l.value === null || r.value === null) {
    const bothNull = l.value === null && r.value === null;
    if (op === 'eq') return bothNull;
    if (op === 'ne') return !bothNull;
    return false;
  }
  let c: number;
  if (typeof l.value === 'number' && typeof r.value === 'number') {
    c = l.value - r.value;
  } else if (typeof l.value === 'boolean' || typeof r.value === 'boolean') {
    c = String(l.value) === String(r.value) ? 0 : 1;
    if (op !== 'eq' && op !== 'ne') return false;
  } else {
    // SQL Server's default collation compares strings case-insensitively.
    const ls = String(l.value).toUpperCase();
    const rs = String(r.value).toUpperCase();
    c = ls < rs ? -1 : ls > rs ? 1 : 0;
  }
  switch (op) {
    case 'eq':
      return c === 0;
    case 'ne':
      return c !== 0;
    case 'gt':
      return c > 0;
    case 'ge':
      return c >= 0;
    case 'lt':
      return c < 0;
    case 'le':
      return c <= 0;
  }
}
