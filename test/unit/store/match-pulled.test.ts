import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchPulled } from '../../../store/records';
import type { RecordBase } from '../../../core/records';

const rec = (id: string, sync: RecordBase['sync'], externalRef = `FS-CUS-${id}`): RecordBase => ({
  _id: id,
  accountId: 'acc_1',
  externalRef,
  createdAt: new Date(0),
  updatedAt: new Date(0),
  sync,
  notes: [],
});

test('a pulled record matches by Acumatica id first, then by key, then by our external ref', () => {
  const byGuid = rec('a', { state: 'synced', acumaticaId: 'g-1', externalId: 'C1' });
  const byKey = rec('b', { state: 'synced', externalId: 'C2' });
  const byRef = rec('c', { state: 'pending' }, 'FS-CUS-ref');
  const page = [byRef, byKey, byGuid];
  assert.equal(matchPulled(page, { acumaticaId: 'g-1', externalId: 'C2' }), byGuid);
  assert.equal(matchPulled(page, { acumaticaId: 'g-9', externalId: 'C2', externalRef: 'FS-CUS-ref' }), byKey);
  assert.equal(matchPulled(page, { acumaticaId: 'g-9', externalId: 'C9', externalRef: 'FS-CUS-ref' }), byRef);
  assert.equal(matchPulled(page, { acumaticaId: 'g-9', externalId: 'C9' }), null);
});
