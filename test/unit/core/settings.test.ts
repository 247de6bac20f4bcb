import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ENTITY_TYPES } from '../../../core/entities';
import {
  DEFAULT_SETTINGS,
  resolveConnection,
  resolveSettings,
  SecretsRequiredError,
} from '../../../core/settings';
import { ValidationError } from '../../../core/validation';

const GUID = '0e5c8a4e-4a3d-4c1e-9a86-1f0c2b1d3e4f';

function rejects(fn: () => unknown, field: string, text: string): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof ValidationError, 'expected a ValidationError');
    const issue = error.issues.find((i) => i.field === field);
    assert.ok(issue, `no issue for ${field}: ${JSON.stringify(error.issues)}`);
    assert.ok(issue.message.startsWith(field), `message does not name the field: ${issue.message}`);
    assert.ok(issue.message.includes(text), `"${issue.message}" does not say "${text}"`);
    return true;
  });
}

describe('account settings', () => {
  it('fills defaults for everything not given', () => {
    const settings = resolveSettings(undefined, {});
    assert.deepEqual(settings, { ...DEFAULT_SETTINGS, entityTypes: [...ENTITY_TYPES] });
    assert.ok(settings.executionDelayMinutes >= 15);
  });

  it('rejects every rule with a message naming the field', () => {
    rejects(
      () => resolveSettings(undefined, { executionDelayMinutes: 10 }),
      'executionDelayMinutes',
      'must be at least 15',
    );
    rejects(
      () => resolveSettings(undefined, { executionDelayMinutes: 20.5 }),
      'executionDelayMinutes',
      'whole number',
    );
    rejects(
      () => resolveSettings(undefined, { executionDelayMinutes: '30' }),
      'executionDelayMinutes',
      'whole number',
    );
    rejects(
      () => resolveSettings(undefined, { lastModifiedSinceDays: 0 }),
      'lastModifiedSinceDays',
      'must be at least 1',
    );
    rejects(
      () => resolveSettings(undefined, { lastModifiedSinceDays: 1.5 }),
      'lastModifiedSinceDays',
      'whole number',
    );
    rejects(
      () => resolveSettings(undefined, { fullSyncOnNextRun: 'yes' }),
      'fullSyncOnNextRun',
      'true or false',
    );
    rejects(
      () => resolveSettings(undefined, { includeSubCustomers: 1 }),
      'includeSubCustomers',
      'true or false',
    );
    rejects(
      () => resolveSettings(undefined, { skipFirstAddressLine: null }),
      'skipFirstAddressLine',
      'true or false',
    );
    rejects(
      () => resolveSettings(undefined, { useShipToAddress: 'false' }),
      'useShipToAddress',
      'true or false',
    );
    rejects(
      () => resolveSettings(undefined, { newCustomerType: 'PERSON' }),
      'newCustomerType',
      'BUSINESS or RESIDENTIAL',
    );
    rejects(
      () => resolveSettings(undefined, { useIntegrationDateForInvoices: 0 }),
      'useIntegrationDateForInvoices',
      'true or false',
    );
    rejects(() => resolveSettings(undefined, { entityTypes: [] }), 'entityTypes', 'at least one');
    rejects(
      () => resolveSettings(undefined, { entityTypes: ['customers', 'tickets'] }),
      'entityTypes.1',
      'must be one of',
    );
    rejects(() => resolveSettings(undefined, { paused: 'no' }), 'paused', 'true or false');
    rejects(() => resolveSettings(undefined, { executionDelay: 30 }), 'executionDelay', 'not a known field');
  });

  it('reports every bad field at once', () => {
    assert.throws(
      () => resolveSettings(undefined, { executionDelayMinutes: 5, lastModifiedSinceDays: 0 }),
      (error: unknown) => error instanceof ValidationError && error.issues.length === 2,
    );
  });

  it('patches current settings and keeps entity types unique in catalog order', () => {
    const current = resolveSettings(undefined, { executionDelayMinutes: 30 });
    const next = resolveSettings(current, {
      entityTypes: ['invoices', 'customers', 'invoices'],
      paused: true,
    });
    assert.equal(next.executionDelayMinutes, 30);
    assert.equal(next.paused, true);
    assert.deepEqual(next.entityTypes, ['customers', 'invoices']);
  });
});

describe('Acumatica connection', () => {
  const valid = {
    url: 'https://erp.example.com/AcumaticaERP/',
    tenant: 'Company',
    clientId: `${GUID}@Company`,
    clientSecret: 's3cret',
    restUsername: 'admin',
    restPassword: 'pw',
  };

  it('applies defaults, trims the URL and splits secrets off the stored connection', () => {
    const { connection, secrets } = resolveConnection(undefined, valid);
    assert.equal(connection.url, 'https://erp.example.com/AcumaticaERP');
    assert.equal(connection.restVersion, '24.200.001');
    assert.equal(connection.endpointName, 'Default');
    assert.equal(connection.authMode, 'oauth');
    assert.deepEqual(secrets, { restPassword: 'pw', clientSecret: 's3cret' });
    assert.equal(JSON.stringify(connection).includes('s3cret'), false);
  });

  it('keeps an optional licence budget and rejects a bad one naming the field', () => {
    const { connection } = resolveConnection(undefined, {
      ...valid,
      requestsPerMinute: 300,
      maxConcurrentRequests: 6,
    });
    assert.equal(connection.requestsPerMinute, 300);
    assert.equal(connection.maxConcurrentRequests, 6);
    rejects(() => resolveConnection(undefined, { ...valid, requestsPerMinute: 0 }), 'requestsPerMinute', '');
    rejects(
      () => resolveConnection(undefined, { ...valid, maxConcurrentRequests: 1.5 }),
      'maxConcurrentRequests',
      '',
    );
    const cleared = resolveConnection(
      { connection, secrets: { restPassword: true, clientSecret: true } },
      { requestsPerMinute: null },
    );
    assert.equal(
      cleared.connection.requestsPerMinute,
      undefined,
      'null clears it back to the worker default',
    );
  });

  it('rejects bad values naming the field', () => {
    rejects(() => resolveConnection(undefined, { ...valid, url: 'ftp://x' }), 'url', 'http or https');
    rejects(() => resolveConnection(undefined, { ...valid, url: 'not a url' }), 'url', 'http or https');
    rejects(
      () => resolveConnection(undefined, { ...valid, clientId: 'abc@Company' }),
      'clientId',
      '<GUID>@<Tenant>',
    );
    rejects(
      () => resolveConnection(undefined, { ...valid, clientId: `${GUID}@Other` }),
      'clientId',
      '@Company',
    );
    rejects(
      () => resolveConnection(undefined, { ...valid, restVersion: '21.100.001' }),
      'restVersion',
      '24.200.001',
    );
    rejects(
      () => resolveConnection(undefined, { ...valid, authMode: 'basic' }),
      'authMode',
      'oauth or cookie',
    );
    rejects(() => resolveConnection(undefined, { ...valid, tenant: '' }), 'tenant', 'must not be empty');
    rejects(
      () => resolveConnection(undefined, { ...valid, restPassword: undefined }),
      'restPassword',
      'is required',
    );
    rejects(
      () => resolveConnection(undefined, { ...valid, clientSecret: undefined }),
      'clientSecret',
      'when authMode is oauth',
    );
    rejects(
      () => resolveConnection(undefined, { ...valid, clientId: undefined }),
      'clientId',
      'when authMode is oauth',
    );
  });

  it('allows cookie auth without a client id', () => {
    const { connection } = resolveConnection(undefined, {
      url: 'http://localhost:8080',
      tenant: 'Company',
      restUsername: 'admin',
      restPassword: 'pw',
      authMode: 'cookie',
      restVersion: '23.200.001',
      branch: 'HQ',
    });
    assert.equal(connection.authMode, 'cookie');
    assert.equal(connection.clientId, undefined);
  });

  it('patches a stored connection: keeps secrets unless replaced, validates the merged result', () => {
    const first = resolveConnection(undefined, valid);
    const current = { connection: first.connection, secrets: { restPassword: true, clientSecret: true } };
    const patched = resolveConnection(current, { restVersion: '23.200.001' });
    assert.equal(patched.connection.restVersion, '23.200.001');
    assert.deepEqual(patched.secrets, {});
    rejects(
      () => resolveConnection(current, { clientSecret: null }),
      'clientSecret',
      'when authMode is oauth',
    );
    const cookie = resolveConnection(current, {
      authMode: 'cookie',
      clientId: null,
      clientSecret: null,
      restPassword: 'pw2',
    });
    assert.equal(cookie.connection.clientId, undefined);
    assert.deepEqual(cookie.secrets, { restPassword: 'pw2', clientSecret: null });
  });

  it('binds stored secrets to their destination: changing it needs every kept secret again', () => {
    const first = resolveConnection(undefined, valid);
    const current = { connection: first.connection, secrets: { restPassword: true, clientSecret: true } };
    const missing = (patch: Record<string, unknown>) => {
      try {
        resolveConnection(current, patch);
        return [];
      } catch (err) {
        assert.ok(err instanceof SecretsRequiredError, String(err));
        return err.issues.map((i) => i.field);
      }
    };
    for (const patch of [
      { url: 'https://attacker.example/AcumaticaERP' },
      { url: 'http://erp.example.com/AcumaticaERP' },
      { url: 'https://erp.example.com:8443/AcumaticaERP' },
      { url: 'https://erp.example.com/Other' },
      { tenant: 'Other', clientId: `${GUID}@Other` },
      { clientId: `${GUID.replace('0e5c', '1e5c')}@Company` },
    ]) {
      assert.deepEqual(missing(patch), ['restPassword', 'clientSecret'], JSON.stringify(patch));
      assert.deepEqual(missing({ ...patch, restPassword: 'x' }), ['clientSecret'], JSON.stringify(patch));
      assert.deepEqual(missing({ ...patch, restPassword: 'x', clientSecret: 'y' }), []);
    }
    // The same place written differently is the same destination.
    for (const url of ['https://ERP.example.com/AcumaticaERP/', 'https://erp.example.com:443/AcumaticaERP']) {
      assert.deepEqual(missing({ url }), [], url);
    }
    assert.deepEqual(missing({ restUsername: 'other', branch: 'HQ', requestsPerMinute: 10 }), []);
  });
});
