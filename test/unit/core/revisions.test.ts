import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { entityTag, ifMatchHolds, parseIfMatch, revisionFilter, revisionOf } from '../../../core/revisions';

describe('record revisions', () => {
  it('counts a record stored before revisions existed as revision 0', () => {
    assert.equal(revisionOf({}), 0);
    assert.equal(revisionOf({ rev: undefined }), 0);
    assert.equal(revisionOf({ rev: 1 }), 1);
    assert.equal(revisionOf({ rev: 42 }), 42);
    // Nothing but a positive integer is a revision the store wrote.
    assert.equal(revisionOf({ rev: -3 }), 0);
    assert.equal(revisionOf({ rev: 1.5 }), 0);
  });

  it('matches revision 0 as "no revision yet" and any other revision exactly', () => {
    assert.deepEqual(revisionFilter(0), { rev: { $exists: false } });
    assert.deepEqual(revisionFilter(7), { rev: 7 });
  });

  it('sends a revision as a strong entity tag and reads it back from If-Match', () => {
    assert.equal(entityTag(12), '"12"');
    assert.deepEqual(parseIfMatch(entityTag(12)), { any: false, revisions: [12] });
    assert.deepEqual(parseIfMatch('"0"'), { any: false, revisions: [0] });
  });

  it('parses If-Match lists, * and weak tags as RFC 9110 says (strong comparison)', () => {
    assert.deepEqual(parseIfMatch('*'), { any: true });
    assert.deepEqual(parseIfMatch(' "3" , "5"'), { any: false, revisions: [3, 5] });
    // A weak tag or an opaque tag that is not one of our revisions is valid syntax but never matches.
    assert.deepEqual(parseIfMatch('W/"3"'), { any: false, revisions: [] });
    assert.deepEqual(parseIfMatch('"abc", "4"'), { any: false, revisions: [4] });
    assert.deepEqual(parseIfMatch('"03"'), { any: false, revisions: [] });
  });

  it('refuses If-Match values that are not entity tags', () => {
    for (const bad of ['3', '', '"3', 'W/3', '"3" "4"', '*, "3"', '"a"b"']) {
      assert.equal(parseIfMatch(bad), null, `${JSON.stringify(bad)} is not an entity-tag list`);
    }
  });

  it('holds when the current revision is named, or for * on any revision', () => {
    assert.equal(ifMatchHolds({ any: true }, 9), true);
    assert.equal(ifMatchHolds({ any: false, revisions: [3, 5] }, 5), true);
    assert.equal(ifMatchHolds({ any: false, revisions: [3, 5] }, 4), false);
    assert.equal(ifMatchHolds({ any: false, revisions: [] }, 0), false);
  });
});
