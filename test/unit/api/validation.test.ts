import assert from 'node:assert/strict';
import { it } from 'node:test';
import { z } from 'zod';
import { requestIssues } from '../../../api/validation';

it('lists every bad field of params, query and body together', () => {
  const issues = requestIssues(
    {
      params: z.object({ id: z.string().regex(/^acc_/) }),
      querystring: z.object({ limit: z.coerce.number().max(500) }),
      body: z.object({ name: z.string(), delay: z.int().min(15) }).strict(),
    },
    { params: { id: 'x' }, query: { limit: '900' }, body: { delay: 10, extra: true } },
  );
  assert.deepEqual(
    issues.map((i) => `${i.in}:${i.field}:${i.message}`),
    [
      'params:id:id has an invalid format',
      'query:limit:limit must be at most 500',
      'body:name:name is required',
      'body:delay:delay must be at least 15',
      'body:extra:extra is not a known field',
    ],
  );
});

it('says when the body itself is missing or not an object', () => {
  const [issue] = requestIssues({ body: z.object({ a: z.string() }) }, { params: {}, query: {}, body: [] });
  assert.equal(issue?.message, 'the body must be an object');
});
