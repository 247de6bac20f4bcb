import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildQuery, datetimeOffset, decimal, filter, guid, quote } from '../../../acumatica/filter';

describe('filter builder', () => {
  it('doubles single quotes in string literals', () => {
    assert.equal(filter.eq('CustomerName', "O'Brien's").text, "CustomerName eq 'O''Brien''s'");
    assert.equal(quote("''"), "''''''");
  });

  it('round-trips any string through quoting', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const q = quote(s);
        assert.ok(q.startsWith("'") && q.endsWith("'"));
        assert.equal(q.slice(1, -1).replace(/''/g, "'"), s);
        // No lone quote can close the literal early.
        assert.doesNotMatch(q.slice(1, -1).replace(/''/g, ''), /'/);
      }),
    );
  });

  it('keeps the offset of a datetimeoffset string and writes Dates as +00:00', () => {
    assert.equal(
      filter.gt('LastModifiedDateTime', datetimeOffset('2024-07-15T10:31:28.402+03:00')).text,
      "LastModifiedDateTime gt datetimeoffset'2024-07-15T10:31:28.402+03:00'",
    );
    assert.equal(
      filter.ge('LastModified', new Date('2024-07-15T07:31:28.402Z')).text,
      "LastModified ge datetimeoffset'2024-07-15T07:31:28.402+00:00'",
    );
    assert.throws(() => datetimeOffset('yesterday'), TypeError);
    assert.throws(() => datetimeOffset(new Date('nope')), TypeError);
  });

  it('writes typed literals', () => {
    assert.equal(
      filter.eq('NoteID', guid('3c1f0a52-7d2e-ef11-8c81-0a1b2c3d4e5f')).text,
      "NoteID eq guid'3c1f0a52-7d2e-ef11-8c81-0a1b2c3d4e5f'",
    );
    assert.equal(filter.gt('Balance', decimal(10.5)).text, 'Balance gt 10.5M');
    assert.equal(filter.eq('Active', true).text, 'Active eq true');
    assert.equal(filter.ne('Email', null).text, 'Email ne null');
    assert.equal(filter.le('Qty', 3).text, 'Qty le 3');
    assert.throws(() => guid("x' or 1 eq 1"), TypeError);
    assert.throws(() => filter.eq('Qty', Number.NaN), TypeError);
  });

  it('rejects field paths that could inject syntax, accepts linked paths', () => {
    assert.equal(filter.eq('MainContact/Email', 'a@b.com').text, "MainContact/Email eq 'a@b.com'");
    assert.throws(() => filter.eq("Name eq 'x' or Name", 'y'), TypeError);
    assert.throws(() => filter.eq('', 'y'), TypeError);
  });

  it('composes and/or with parentheses only where needed and skips undefined parts', () => {
    const modified = filter.gt('LastModifiedDateTime', datetimeOffset('2025-01-01T00:00:00+00:00'));
    const status = filter.or(filter.eq('Status', 'Open'), filter.eq('Status', 'On Hold'));
    const combined = filter.and(modified, status, undefined);
    assert.equal(
      combined?.text,
      "LastModifiedDateTime gt datetimeoffset'2025-01-01T00:00:00+00:00' and (Status eq 'Open' or Status eq 'On Hold')",
    );
    assert.equal(filter.and(undefined, undefined), undefined);
    assert.equal(filter.or(modified)?.text, modified.text);
  });

  it('writes functions bare, never "eq true"', () => {
    assert.equal(filter.startswith('CustomerID', "C0'1").text, "startswith(CustomerID,'C0''1')");
    assert.equal(filter.substringof('Plumb', 'CustomerName').text, "substringof('Plumb',CustomerName)");
    assert.equal(filter.endswith('Email', '.com').text, "endswith(Email,'.com')");
  });
});

describe('buildQuery', () => {
  it('is empty without options', () => {
    assert.equal(buildQuery({}), '');
    assert.equal(buildQuery({ select: [], expand: '' }), '');
  });

  it('URL-encodes the filter, turning + offsets into %2B', () => {
    const q = buildQuery({
      filter: filter.gt('LastModifiedDateTime', datetimeOffset('2024-07-15T10:31:28+03:00')),
      top: 100,
      skip: 200,
    });
    assert.equal(
      q,
      "?$filter=LastModifiedDateTime%20gt%20datetimeoffset'2024-07-15T10%3A31%3A28%2B03%3A00'&$top=100&$skip=200",
    );
    const decoded = new URLSearchParams(q.slice(1)).get('$filter');
    assert.equal(decoded, "LastModifiedDateTime gt datetimeoffset'2024-07-15T10:31:28+03:00'");
  });

  it('keeps commas and slashes of $select/$expand readable and encodes the rest', () => {
    assert.equal(
      buildQuery({
        select: ['CustomerID', 'MainContact/Email'],
        expand: 'MainContact,MainContact/Address',
        custom: 'Document.UsrX',
      }),
      '?$select=CustomerID,MainContact/Email&$expand=MainContact,MainContact/Address&$custom=Document.UsrX',
    );
    assert.equal(buildQuery({ select: 'A B&C' }), '?$select=A%20B%26C');
  });

  it('refuses negative or fractional $top/$skip', () => {
    assert.throws(() => buildQuery({ top: -1 }), TypeError);
    assert.throws(() => buildQuery({ skip: 1.5 }), TypeError);
    assert.equal(buildQuery({ top: 0 }), '?$top=0');
  });
});
