import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decidePull } from '../../../core/sync-state';

const t = (minute: number) => new Date(Date.UTC(2024, 0, 1, 0, minute));

describe('decidePull (last-modified wins)', () => {
  it('writes nothing for identical content', () => {
    const decision = decidePull(
      { updatedAt: t(0), sync: { lastSyncedHash: 'h1', lastSyncedAt: t(0), acumaticaModifiedAt: t(0) } },
      { acumaticaModifiedAt: t(30), hash: 'h1' },
    );
    assert.deepEqual(decision, { action: 'skip', reason: 'identical' });
  });

  it('writes nothing for a version already seen (our own push echoed back)', () => {
    const decision = decidePull(
      { updatedAt: t(0), sync: { lastSyncedHash: 'pushed', lastSyncedAt: t(1), acumaticaModifiedAt: t(1) } },
      { acumaticaModifiedAt: t(1), hash: 'pulled' },
    );
    assert.deepEqual(decision, { action: 'skip', reason: 'already-seen' });
  });

  it("applies Acumatica's change when there is no local edit, whatever the clocks say", () => {
    const decision = decidePull(
      { updatedAt: t(10), sync: { lastSyncedHash: 'h1', lastSyncedAt: t(10), acumaticaModifiedAt: t(2) } },
      { acumaticaModifiedAt: t(5), hash: 'h2' },
    );
    assert.deepEqual(decision, { action: 'apply', overwritesLocalEdit: false });
  });

  it('lets a newer Acumatica change overwrite an older local edit', () => {
    const decision = decidePull(
      { updatedAt: t(20), sync: { lastSyncedHash: 'h1', lastSyncedAt: t(10), acumaticaModifiedAt: t(10) } },
      { acumaticaModifiedAt: t(25), hash: 'h2' },
    );
    assert.deepEqual(decision, { action: 'apply', overwritesLocalEdit: true });
  });

  it('keeps a local edit newer than the Acumatica change', () => {
    const decision = decidePull(
      { updatedAt: t(30), sync: { lastSyncedHash: 'h1', lastSyncedAt: t(10), acumaticaModifiedAt: t(10) } },
      { acumaticaModifiedAt: t(25), hash: 'h2' },
    );
    assert.deepEqual(decision, { action: 'skip', reason: 'local-newer' });
  });

  it('lets Acumatica win when both sides changed at the same instant', () => {
    const decision = decidePull(
      { updatedAt: t(25), sync: { lastSyncedHash: 'h1', lastSyncedAt: t(10), acumaticaModifiedAt: t(10) } },
      { acumaticaModifiedAt: t(25), hash: 'h2' },
    );
    assert.deepEqual(decision, { action: 'apply', overwritesLocalEdit: true });
  });

  it('treats a never-synced record as locally edited', () => {
    assert.deepEqual(decidePull({ updatedAt: t(30), sync: {} }, { acumaticaModifiedAt: t(25), hash: 'h' }), {
      action: 'skip',
      reason: 'local-newer',
    });
    assert.deepEqual(decidePull({ updatedAt: t(20), sync: {} }, { acumaticaModifiedAt: t(25), hash: 'h' }), {
      action: 'apply',
      overwritesLocalEdit: true,
    });
  });
});
