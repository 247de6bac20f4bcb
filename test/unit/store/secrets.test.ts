import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { parseMasterKey, SecretBox, SecretDecryptionError } from '../../../store/secrets';

describe('SecretBox (AES-256-GCM)', () => {
  const key = parseMasterKey(randomBytes(32).toString('base64'), 'k1');

  it('round-trips and never stores the plaintext', () => {
    const box = new SecretBox([key]);
    const encrypted = box.encrypt('hunter2-password', 'acc_1/restPassword');
    assert.equal(JSON.stringify(encrypted).includes('hunter2'), false);
    assert.equal(Buffer.from(encrypted.iv, 'base64').length, 12);
    assert.equal(Buffer.from(encrypted.tag, 'base64').length, 16);
    assert.equal(encrypted.kid, 'k1');
    assert.equal(box.decrypt(encrypted, 'acc_1/restPassword'), 'hunter2-password');
  });

  it('uses a fresh IV per value', () => {
    const box = new SecretBox([key]);
    assert.notEqual(box.encrypt('same', 'c').iv, box.encrypt('same', 'c').iv);
  });

  it('fails with a wrong key, an unknown key id, another context or tampered data', () => {
    const box = new SecretBox([key]);
    const encrypted = box.encrypt('pw', 'acc_1/restPassword');
    const wrong = new SecretBox([{ id: 'k1', key: randomBytes(32) }]);
    assert.throws(() => wrong.decrypt(encrypted, 'acc_1/restPassword'), SecretDecryptionError);
    const other = new SecretBox([{ id: 'k2', key: randomBytes(32) }]);
    assert.throws(() => other.decrypt(encrypted, 'acc_1/restPassword'), /no master key with id k1/);
    assert.throws(() => box.decrypt(encrypted, 'acc_2/restPassword'), SecretDecryptionError);
    const flipped = Buffer.from(encrypted.ct, 'base64');
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    assert.throws(
      () => box.decrypt({ ...encrypted, ct: flipped.toString('base64') }, 'acc_1/restPassword'),
      SecretDecryptionError,
    );
  });

  it('rotates: a new primary key still opens values of the old one', () => {
    const old = new SecretBox([key]);
    const encrypted = old.encrypt('pw', 'ctx');
    const rotated = new SecretBox([{ id: 'k2', key: randomBytes(32) }, key]);
    assert.equal(rotated.needsRotation(encrypted), true);
    assert.equal(rotated.decrypt(encrypted, 'ctx'), 'pw');
    assert.equal(rotated.encrypt('pw', 'ctx').kid, 'k2');
  });

  it('accepts hex or base64 master keys of 32 bytes only', () => {
    assert.equal(parseMasterKey('ab'.repeat(32)).key.length, 32);
    assert.throws(() => parseMasterKey(randomBytes(16).toString('base64')), /32 bytes/);
    assert.throws(() => new SecretBox([]), /at least one/);
  });
});
