import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AbuseDesk } from '../../src/app.js';
import { authFor } from '../../src/auth/auth.service.js';
import { describeEachEngine } from '../support/databases.js';
import { openDesk } from '../support/desk.js';
import { app, PASSWORD } from './fixtures.js';

process.env.ABUSEDESK_LOGIN_RATE_PER_MINUTE = '3';

describeEachEngine('login rate limit', (db) => {
  let desk: AbuseDesk;
  beforeAll(async () => {
    desk = await openDesk(db());
  });
  afterAll(async () => desk?.close());

  it('answers 429 to a client that keeps trying, before any password is checked', async () => {
    await authFor(desk).createUser({ email: 'rate@example.net', role: 'analyst', password: PASSWORD }, 'test');
    const http = await app(desk);
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) codes.push((await http.inject({ method: 'POST', url: '/api/v1/session', payload: { email: 'rate@example.net', password: 'not it at all' } })).statusCode);
    expect(codes).toEqual([401, 401, 401, 429, 429]);
    // Other routes are not limited by it.
    expect((await http.inject({ url: '/api/v1/openapi.json' })).statusCode).toBe(200);
    await http.close();
  });
});
