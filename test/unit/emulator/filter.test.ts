import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  evaluateFilter,
  FilterEvaluationError,
  FilterSyntaxError,
  parseFilter,
  type FieldValue,
} from '../../../emulator/filter';

const record: Record<string, FieldValue> = {
  CustomerID: { kind: 'value', type: 'String', value: "O'BRIEN" },
  Balance: { kind: 'value', type: 'Decimal', value: 10.5 },
  Active: { kind: 'value', type: 'Boolean', value: true },
  LastModifiedDateTime: { kind: 'value', type: 'DateTime', value: '2024-07-15T07:31:28.402Z' },
  'MainContact/Email': { kind: 'value', type: 'String', value: 'a@b.com' },
  NoteID: { kind: 'value', type: 'Guid', value: '3c1f0a52-7d2e-ef11-8c81-0a1b2c3d4e5f' },
  Details: { kind: 'detail' },
};
const resolve = (p: string[]): FieldValue =>
  record[p.join('/')] ?? (p[0] === 'Details' ? { kind: 'detail' } : { kind: 'unknown' });
const run = (f: string): boolean => evaluateFilter(parseFilter(f), resolve);

test('string literals with doubled quotes compare case-insensitively', () => {
  assert.equal(run("CustomerID eq 'O''Brien'"), true);
  assert.equal(run("CustomerID ne 'O''Brien'"), false);
});

test('decimal M literals and numeric comparison', () => {
  assert.equal(run('Balance gt 10M'), true);
  assert.equal(run('Balance le 10.5M'), true);
  assert.equal(run('Balance lt 10.5M'), false);
});

test('datetimeoffset literals compare as instants across offsets', () => {
  assert.equal(run("LastModifiedDateTime eq datetimeoffset'2024-07-15T10:31:28.402+03:00'"), true);
  assert.equal(run("LastModifiedDateTime gt datetimeoffset'2024-07-15T10:31:28.401+03:00'"), true);
  assert.equal(run("LastModifiedDateTime gt datetimeoffset'2024-07-15T07:31:28.403Z'"), false);
});

test('and/or precedence and parentheses', () => {
  assert.equal(run("Active eq false and Balance gt 1M or CustomerID eq 'X'"), false);
  assert.equal(run("Active eq true and (Balance gt 100M or MainContact/Email eq 'a@b.com')"), true);
});

test('guid literals and linked paths', () => {
  assert.equal(run("NoteID eq guid'3C1F0A52-7D2E-EF11-8C81-0A1B2C3D4E5F'"), true);
  assert.equal(run("MainContact/Email eq 'A@B.COM'"), true);
});

test('bare functions work; function eq true yields no match like the real server', () => {
  assert.equal(run("startswith(CustomerID,'o''b')"), true);
  assert.equal(run("substringof('bri', CustomerID)"), true);
  assert.equal(run("substringof('bri', CustomerID) eq true"), false);
});

test('a detail path is not a single value', () => {
  assert.throws(() => run("Details/InventoryID eq 'X'"), FilterEvaluationError);
});

test('syntax errors are reported', () => {
  assert.throws(() => parseFilter("CustomerID eq 'open"), FilterSyntaxError);
  assert.throws(() => parseFilter('CustomerID eq'), FilterSyntaxError);
  assert.throws(() => parseFilter("(CustomerID eq 'A'"), FilterSyntaxError);
});
