import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_SEAT_LIMIT_DELAY_MS,
  DEFAULT_THROTTLE_DELAY_MS,
  classifyNetworkError,
  classifyResponse,
  malformedResponse,
  parseRetryAfter,
  type FailureContext,
} from '../../../acumatica/classify';
import { extractFieldErrors } from '../../../acumatica/error-bodies';
import {
  ACUMATICA_ERROR_TYPES,
  AcumaticaAuthError,
  AcumaticaError,
  AcumaticaNotFoundError,
  AcumaticaRejectedError,
  AcumaticaRetryableError,
  AcumaticaSeatLimitError,
  AcumaticaThrottledError,
  NON_RETRYABLE_ACUMATICA_ERROR_TYPES,
  isAcumaticaError,
} from '../../../acumatica/errors';
import { maskSecrets } from '../../../acumatica/secret-masking';

const ctx: FailureContext = {
  method: 'PUT',
  path: '/entity/Default/24.200.001/SalesOrder',
  now: () => 1_000_000,
};

function httpError(
  exceptionMessage: string,
  exceptionType = 'PX.Data.PXException',
  extra: object = {},
): string {
  return JSON.stringify({
    message: 'An error has occurred.',
    exceptionMessage,
    exceptionType,
    stackTrace: '   at PX.Api.ContractBased...',
    innerException: null,
    ...extra,
  });
}

const salesOrder422 = JSON.stringify({
  id: 'b6410d82-9476-ef11-8c65-ac198e472cfe',
  rowNumber: 1,
  error: "Inserting 'Sales Order' record raised at least one error. Please review the errors.",
  CustomerID: { value: 'C999999', error: "'Customer' cannot be found in the system." },
  OrderNbr: { value: '<NEW>' },
  ShipToContact: { Email: { value: 'x', error: 'Email is invalid.' } },
  Details: [
    { id: 'a', rowNumber: 1, note: { value: '' }, InventoryID: { value: 'OK' } },
    {
      id: 'b8410d82-9476-ef11-8c65-ac198e472cfe',
      rowNumber: 2,
      note: { value: '' },
      InventoryID: { value: 'NOPE', error: "'Inventory ID' cannot be found in the system." },
      _links: {
        'files:put': '/entity/Default/24.200.001/files/PX.Objects.SO.SOOrderEntry/Transactions/b8/{filename}',
      },
    },
  ],
  _links: { self: '/entity/Default/24.200.001/SalesOrder/b6410d82-9476-ef11-8c65-ac198e472cfe' },
});

describe('classifyResponse', () => {
  it('turns a 422 echo into a rejection listing every field, linked and detail error', () => {
    const err = classifyResponse({ status: 422, headers: {}, body: salesOrder422 }, ctx);
    assert.ok(err instanceof AcumaticaRejectedError);
    assert.equal(err.type, 'AcumaticaRejected');
    assert.equal(err.retryable, false);
    assert.equal(err.status, 422);
    assert.deepEqual(err.fieldErrors, [
      { path: 'CustomerID', message: "'Customer' cannot be found in the system." },
      { path: 'ShipToContact/Email', message: 'Email is invalid.' },
      { path: 'Details[2]/InventoryID', message: "'Inventory ID' cannot be found in the system." },
    ]);
    assert.match(err.message, /raised at least one error/);
    assert.match(err.message, /CustomerID: 'Customer' cannot be found in the system\./);
    assert.match(err.message, /Details\[2\]\/InventoryID: 'Inventory ID' cannot be found/);
    assert.match(err.message, /PUT \/entity\/Default\/24\.200\.001\/SalesOrder .*HTTP 422/);
  });

  it('maps 500 NoEntitySatisfiesTheCondition to not-found', () => {
    const err = classifyResponse(
      {
        status: 500,
        headers: {},
        body: httpError(
          'No entity satisfies the condition.',
          'PX.Api.ContractBased.NoEntitySatisfiesTheConditionException',
        ),
      },
      ctx,
    );
    assert.ok(err instanceof AcumaticaNotFoundError);
    assert.equal(err.type, 'AcumaticaNotFound');
    assert.equal(err.exceptionType, 'PX.Api.ContractBased.NoEntitySatisfiesTheConditionException');
    assert.match(err.message, /No entity satisfies the condition\./);
    assert.doesNotMatch(err.message, /An error has occurred/);
  });

  it('treats "Another process has updated" as retryable whatever the status', () => {
    for (const status of [500, 422]) {
      const err = classifyResponse(
        {
          status,
          headers: {},
          body: httpError("Another process has updated the 'SOOrder' record. Your changes will be lost."),
        },
        ctx,
      );
      assert.ok(err instanceof AcumaticaRetryableError, `status ${status}`);
      assert.equal(err.reason, 'conflict');
    }
    const added = classifyResponse(
      { status: 500, headers: {}, body: httpError("Another process has added the 'Customer' record.") },
      ctx,
    );
    assert.equal(added.type, 'AcumaticaRetryable');
  });

  it('classifies generic 5xx, 502/503/504 and 408 as retryable server errors', () => {
    for (const status of [500, 502, 503, 504, 408]) {
      const err = classifyResponse({ status, headers: {}, body: httpError('Something broke.') }, ctx);
      assert.equal(err.type, 'AcumaticaRetryable', `status ${status}`);
      assert.equal(err.reason, 'server');
      assert.equal(err.status, status);
    }
  });

  it('treats business 500s (validation, setup, unoptimizable filter) as rejected', () => {
    const bodies = [
      httpError("Error: 'Customer Class' cannot be empty."),
      httpError(
        "Inserting 'Sales Order' record raised at least one error. Please review the errors.",
        'PX.Data.PXOuterException',
      ),
      httpError(
        'The required configuration data is not entered on the AR Preferences form.',
        'PX.Data.PXSetupNotEnteredException',
      ),
      JSON.stringify({
        message:
          'Optimization cannot be performed.The following fields cause the error:\r\nVendorRef: View Document has BQL delegate',
      }),
    ];
    for (const body of bodies) {
      assert.equal(classifyResponse({ status: 500, headers: {}, body }, ctx).type, 'AcumaticaRejected', body);
    }
  });

  it('maps 400/404/409/412 to rejected with the server message', () => {
    const cases: [number, string][] = [
      [400, 'The request is invalid.'],
      [404, 'Endpoint [ACMEFieldSync/24.200.001] not found'],
      [409, 'Conflict.'],
      [412, 'Precondition failed: the record already exists.'],
    ];
    for (const [status, text] of cases) {
      const err = classifyResponse({ status, headers: {}, body: JSON.stringify({ message: text }) }, ctx);
      assert.equal(err.type, 'AcumaticaRejected', `status ${status}`);
      assert.ok(err.message.includes(text), err.message);
    }
  });

  it('maps 401/403 to auth', () => {
    const err = classifyResponse(
      {
        status: 401,
        headers: {},
        body: JSON.stringify({ message: 'Authorization has been denied for this request.' }),
      },
      ctx,
    );
    assert.ok(err instanceof AcumaticaAuthError);
    assert.equal(err.retryable, false);
    assert.match(err.message, /Authorization has been denied/);
    assert.equal(classifyResponse({ status: 403, headers: {}, body: '' }, ctx).type, 'AcumaticaAuth');
  });

  it('reads Retry-After seconds and HTTP-dates on 429', () => {
    const seconds = classifyResponse({ status: 429, headers: { 'retry-after': '7' }, body: '' }, ctx);
    assert.ok(seconds instanceof AcumaticaThrottledError);
    assert.equal(seconds.retryAfterMs, 7000);
    assert.equal(seconds.retryable, true);

    const date = new Date(1_000_000 + 12_000).toUTCString();
    const dated = classifyResponse({ status: 429, headers: { 'retry-after': date }, body: '' }, ctx);
    assert.equal(dated.type, 'AcumaticaThrottled');
    assert.equal(dated.retryAfterMs, 12_000);

    const none = classifyResponse(
      { status: 429, headers: {}, body: 'The custom error module does not recognize this error.' },
      ctx,
    );
    assert.equal(none.retryAfterMs, DEFAULT_THROTTLE_DELAY_MS);
    assert.match(none.message, /HTTP 429\): Too Many Requests; the answer is not from Acumatica's REST API/);
  });

  it('recognises the API Login Limit under any status and on a 429 login', () => {
    const json = classifyResponse(
      { status: 500, headers: {}, body: JSON.stringify({ exceptionMessage: 'API Login Limit' }) },
      { ...ctx, operation: 'login' },
    );
    assert.ok(json instanceof AcumaticaSeatLimitError);
    assert.equal(json.type, 'AcumaticaSeatLimit');
    assert.equal(json.retryable, true);
    assert.equal(json.retryAfterMs, DEFAULT_SEAT_LIMIT_DELAY_MS);

    const iis = classifyResponse(
      {
        status: 429,
        headers: {},
        body: '<html><body>The custom error module does not recognize this error.</body></html>',
      },
      { method: 'POST', path: '/entity/auth/login', operation: 'login' },
    );
    assert.equal(iis.type, 'AcumaticaSeatLimit');
    // Classified by its text, but an HTML page is never echoed.
    assert.doesNotMatch(iis.message, /custom error module|<html>/);
    assert.match(iis.message, /not from Acumatica's REST API/);
  });

  it('maps refused logins and token errors to auth, hiding the password', () => {
    const login = classifyResponse(
      { status: 500, headers: {}, body: httpError('Error: Invalid credentials. Please try again.') },
      { method: 'POST', path: '/entity/auth/login', operation: 'login', secrets: ['hunter22'] },
    );
    assert.equal(login.type, 'AcumaticaAuth');
    const token = classifyResponse(
      {
        status: 400,
        headers: {},
        body: JSON.stringify({ error: 'invalid_grant', error_description: 'bad password hunter22' }),
      },
      { method: 'POST', path: '/identity/connect/token', operation: 'token', secrets: ['hunter22'] },
    );
    assert.equal(token.type, 'AcumaticaAuth');
    assert.match(token.message, /invalid_grant: bad password \*\*\*/);
    assert.doesNotMatch(token.message, /hunter22/);
  });

  it('gives a readable message for nested innerException, plain text and empty bodies', () => {
    const nested = classifyResponse(
      {
        status: 500,
        headers: {},
        body: httpError('Outer failure.', 'PX.Data.PXException', {
          innerException: { message: 'An error has occurred.', exceptionMessage: 'Database timeout.' },
        }),
      },
      ctx,
    );
    assert.match(nested.message, /Outer failure\. Database timeout\./);
    const text = classifyResponse({ status: 502, headers: {}, body: 'Bad gateway from proxy' }, ctx);
    assert.match(
      text.message,
      /HTTP 502\): Bad Gateway; the answer is not from Acumatica's REST API \(22 bytes/,
    );
    assert.doesNotMatch(text.message, /from proxy/);
    const empty = classifyResponse({ status: 503, headers: {}, body: '' }, ctx);
    assert.match(empty.message, /Service Unavailable/);
  });
});

describe('foreign bodies and secrets in error messages', () => {
  it('never echoes a body that is not Acumatica-shaped', () => {
    const planted = 'root:x:0:0 INTERNAL-ADMIN-PAGE';
    for (const body of [
      `<html><body><h1>Jenkins</h1><pre>${planted}</pre></body></html>`,
      JSON.stringify({ status: 'ok', config: planted }),
      JSON.stringify([planted]),
      `"${planted}"`,
      planted,
    ]) {
      for (const status of [200, 400, 404, 500]) {
        const err = classifyResponse({ status, headers: {}, body }, ctx);
        assert.doesNotMatch(err.message, /INTERNAL-ADMIN-PAGE|Jenkins/, `${status} ${body}`);
        assert.match(err.message, /not from Acumatica's REST API/);
      }
    }
    // An Acumatica-shaped body still gives Acumatica's own words.
    const own = classifyResponse({ status: 500, headers: {}, body: httpError('Database timeout.') }, ctx);
    assert.match(own.message, /Database timeout\./);
  });

  it('masks every encoding of a secret in an echoed message', () => {
    const secret = 'p@ss w/rd"&+=%é';
    const forms = [
      secret,
      encodeURIComponent(secret),
      encodeURIComponent(secret).toLowerCase(),
      new URLSearchParams({ s: secret }).toString().slice(2),
      JSON.stringify(secret).slice(1, -1),
    ];
    for (const form of forms) {
      const err = classifyResponse(
        { status: 400, headers: {}, body: JSON.stringify({ message: `Bad request body: password=${form}` }) },
        { ...ctx, secrets: [secret] },
      );
      assert.match(err.message, /password=\*\*\*$/, form);
    }
    assert.equal(maskSecrets('short abc stays', ['abc']), 'short abc stays');
  });
});

describe('classifyNetworkError', () => {
  it('marks a dropped connection on a write as outcome-unknown', () => {
    const err = classifyNetworkError(
      Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }),
      ctx,
    );
    assert.equal(err.type, 'AcumaticaRetryable');
    assert.equal(err.reason, 'network');
    assert.equal(err.outcomeUnknown, true);
    assert.match(err.message, /UND_ERR_SOCKET/);
  });

  it('knows a refused connection never reached the server, and names timeouts', () => {
    const refused = classifyNetworkError(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }), ctx);
    assert.equal(refused.outcomeUnknown, false);
    const timeout = classifyNetworkError(
      Object.assign(new Error('Headers Timeout Error'), { code: 'UND_ERR_HEADERS_TIMEOUT' }),
      { ...ctx, method: 'GET' },
    );
    assert.equal(timeout.reason, 'timeout');
    assert.equal(timeout.outcomeUnknown, false);
  });
});

describe('malformedResponse', () => {
  it('is retryable and says what was wrong', () => {
    let cause: unknown;
    try {
      JSON.parse('{"CustomerID":');
    } catch (e) {
      cause = e;
    }
    const err = malformedResponse(200, '{"CustomerID":', ctx, cause);
    assert.equal(err.type, 'AcumaticaRetryable');
    assert.equal(err.reason, 'malformed-response');
    assert.match(err.message, /malformed JSON body \(HTTP 200, 14 bytes\)/);
  });
});

describe('parseRetryAfter', () => {
  it('parses seconds and dates, ignores junk, never goes negative', () => {
    const now = () => Date.parse('2025-01-01T00:00:00Z');
    assert.equal(parseRetryAfter('120', now), 120_000);
    assert.equal(parseRetryAfter(['3'], now), 3000);
    assert.equal(parseRetryAfter('Wed, 01 Jan 2025 00:00:30 GMT', now), 30_000);
    assert.equal(parseRetryAfter('Tue, 31 Dec 2024 23:00:00 GMT', now), 0);
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter(undefined, now), undefined);
  });
});

describe('extractFieldErrors / isAcumaticaError', () => {
  it('finds custom-field errors and row-level errors', () => {
    const errors = extractFieldErrors({
      custom: { Document: { UsrRoute: { type: 'CustomStringField', value: 'x', error: 'Too long.' } } },
      Details: [{ error: 'Row is invalid.', Qty: { value: -1 } }],
    });
    assert.deepEqual(errors, [
      { path: 'custom/Document/UsrRoute', message: 'Too long.' },
      { path: 'Details[1]', message: 'Row is invalid.' },
    ]);
  });

  it('recognises classified errors only', () => {
    assert.equal(isAcumaticaError(new AcumaticaNotFoundError('x')), true);
    assert.equal(isAcumaticaError(new Error('x')), false);
    assert.equal(isAcumaticaError(Object.assign(new Error('x'), { type: 'AcumaticaThrottled' })), true);
  });

  it('keeps each type string, retryability and error name that retry policies, workflows and logs use', () => {
    const classes = [
      [AcumaticaRetryableError, 'AcumaticaRetryable', true],
      [AcumaticaThrottledError, 'AcumaticaThrottled', true],
      [AcumaticaRejectedError, 'AcumaticaRejected', false],
      [AcumaticaAuthError, 'AcumaticaAuth', false],
      [AcumaticaNotFoundError, 'AcumaticaNotFound', false],
      [AcumaticaSeatLimitError, 'AcumaticaSeatLimit', true],
    ] as const;
    for (const [Class, type, retryable] of classes) {
      const err = new Class('boom', { status: 500 });
      assert.equal(err.type, type);
      assert.equal(err.retryable, retryable, type);
      // Failure messages and pino's `type` show these names.
      assert.equal(err.name, `${type}Error`);
      assert.equal(err.constructor.name, `${type}Error`);
      assert.equal(err.message, 'boom');
      assert.ok(err instanceof AcumaticaError && err instanceof Class);
      for (const [Other, otherType] of classes) {
        if (otherType !== type) assert.equal(err instanceof Other, false, `${type} is not ${otherType}`);
      }
    }
    assert.deepEqual([...ACUMATICA_ERROR_TYPES].sort(), classes.map(([, type]) => type).sort());
    assert.deepEqual(NON_RETRYABLE_ACUMATICA_ERROR_TYPES, [
      'AcumaticaRejected',
      'AcumaticaAuth',
      'AcumaticaNotFound',
    ]);
  });
});
