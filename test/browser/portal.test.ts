import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { authFor } from '../../src/auth/auth.service.js';
import { buildReportMessage } from '../../src/intake/report-document.js';
import { ConsoleRepository } from '../../src/storage/repositories/console.repository.js';
import { UserRepository } from '../../src/storage/repositories/user.repository.js';
import { complaintMail, demoInventory } from './demo.js';
import { addUser, type Browser, describeBrowser, ensureWebBuilt, launchBrowser, type Server, startServer } from './harness.js';

/**
 * A customer's main path in a real browser: sign in, find the notice, read what to do, write
 * back, say it is fixed; in Dutch and French too; by one-time link; and never see another
 * customer's case.
 */
let server: Server;
let browser: Browser;
let page: Page;
let jansenCase: number;
let dupontCase: number;
let resourceCase: number;
const DUPONT = { email: 'it@dupont.example', password: 'brasserie dupont 1890' };
const JANSEN = { email: 'info@jansen.example', password: 'bakkerij jansen sinds 1952' };

async function post(p: Page, path: string, body: unknown): Promise<number> {
  return p.evaluate(
    async ([path, body]) => {
      const g = globalThis as any;
      const token = /(?:^|; )csrf-token=([^;]+)/.exec(g.document.cookie)?.[1] ?? '';
      const res = await g.fetch(path, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': decodeURIComponent(token) }, body: JSON.stringify(body) });
      return res.status as number;
    },
    [path, body] as const,
  );
}

describeBrowser('the portal', () => {
  beforeAll(async () => {
    ensureWebBuilt();
    server = await startServer();
    await server.desk.inventory.import(demoInventory);
    await addUser(server.desk, { ...JANSEN, role: 'customer', customerId: 'c-1002' });
    await addUser(server.desk, { ...DUPONT, role: 'customer', customerId: 'c-1001' });
    const at = new Date(Date.now() - 7_200_000).toISOString();
    await server.desk.ingest.submit({ raw: Buffer.from(complaintMail('compromised', { ip: '192.0.2.20' }, at)), channel: 'smtp' });
    await server.desk.ingest.submit({ raw: Buffer.from(complaintMail('phishing', { ip: '192.0.2.5', host: 'dupont.example' }, at)), channel: 'smtp' });
    // Internal monitoring: Dupont's shared account eats four cores.
    const { raw } = await buildReportMessage(
      { reporterName: 'Resource monitor', reporterEmail: 'monitor@provider.example', ip: '192.0.2.8', category: 'resource-abuse', description: 'web01: account dupont used 380% CPU for 6 hours.', occurredAt: at },
      { channel: 'api', now: new Date(), to: 'abuse@provider.example' },
    );
    await server.desk.ingest.submit({ raw, channel: 'api' });
    await server.desk.worker.runUntilIdle();
    const cases = await server.desk.cases.list();
    jansenCase = cases.find((c) => c.customer === 'c-1002')!.id;
    dupontCase = cases.find((c) => c.customer === 'c-1001' && c.category === 'phishing')!.id;
    resourceCase = cases.find((c) => c.category === 'resource-abuse')!.id;
    browser = await launchBrowser({ locale: 'en-GB' });
    page = await browser.context.newPage();
    page.setDefaultTimeout(10_000);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('signs a customer in and shows its notice in plain words', async () => {
    await page.goto(`${server.url}/portal`);
    await page.getByLabel('E-mail address').fill(JANSEN.email);
    await page.getByLabel('Password').fill(JANSEN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const card = page.locator('.pcase', { hasText: '192.0.2.20' });
    await card.waitFor();
    expect(await card.textContent()).toContain('appears to be hacked');
    // Only its own: Dupont's phishing case is nowhere on the page.
    expect(await page.locator('main').textContent()).not.toContain('192.0.2.5');
  });

  it('replies and marks the problem fixed', async () => {
    await page.locator('.pcase', { hasText: '192.0.2.20' }).click();
    await page.waitForURL(new RegExp(`/portal/cases/${jansenCase}$`));
    await page.getByRole('heading', { name: 'What you need to do' }).waitFor();
    // The reporter's identity is redacted from what the customer sees.
    expect(await page.locator('main').textContent()).not.toContain('soc@university.example');

    await page.getByLabel(/Write to us/).fill('We found an old WordPress install and removed it. Passwords changed.');
    await page.getByRole('button', { name: 'Send message' }).click();
    await page.getByRole('status').filter({ hasText: 'Your message was sent' }).waitFor();
    await page.locator('.messages li.mine', { hasText: 'old WordPress install' }).waitFor();

    await page.getByRole('button', { name: /I have fixed the problem/ }).click();
    await page.locator('textarea[name=fixed-note]').fill('Server reinstalled from a clean image.');
    await page.getByRole('button', { name: 'Mark as fixed' }).click();
    await page.getByRole('status').filter({ hasText: 'Thank you' }).waitFor();
    // Reloaded, the page says it was reported fixed (and the customer may still write or say so again).
    await page.getByTestId('reported-fixed').waitFor();

    // What the operators see: both messages on the case, from the customer.
    const res = await page.evaluate(async (id) => (await (globalThis as any).fetch(`/api/v1/portal/cases/${id}`)).json(), jansenCase);
    const bodies = (res.messages as { direction: string; body: string }[]).filter((m) => m.direction === 'in').map((m) => m.body);
    expect(bodies.some((b) => b.includes('old WordPress install'))).toBe(true);
    expect(bodies.some((b) => b.includes('Server reinstalled from a clean image.'))).toBe(true);
    // The portal's own route took it: the case waits for an operator to verify it, first in the awaiting-customer queue.
    const fixed = await new ConsoleRepository(server.desk.database.db).reportedFixed(50);
    expect(fixed.map((c) => c.id)).toContain(jansenCase);
  });

  it('shows the acceptable use policy in force, section by section', async () => {
    await page.getByRole('link', { name: 'Acceptable use policy' }).click();
    await page.waitForURL(/\/portal\/aup$/);
    await page.getByRole('heading', { name: 'Storage and distribution of copyrighted material' }).waitFor();
    expect(await page.locator('.aup-text').textContent()).toContain('valid license');
    expect(await page.locator('main').textContent()).toContain('2026.11.1');
    await page.goBack();
    await page.waitForURL(new RegExp(`/portal/cases/${jansenCase}$`));
  });

  it('speaks Dutch and French', async () => {
    await page.getByRole('button', { name: 'NL', exact: true }).click();
    await page.getByRole('heading', { name: 'Wat u moet doen' }).waitFor();
    expect(await page.evaluate(() => (globalThis as any).document.documentElement.lang)).toBe('nl');
    await page.getByRole('button', { name: 'FR', exact: true }).click();
    await page.getByRole('heading', { name: 'Ce que vous devez faire' }).waitFor();
    // The choice sticks across pages.
    await page.goto(`${server.url}/portal`);
    await page.getByRole('heading', { name: 'Vos avis' }).or(page.getByText('Autres avis')).or(page.getByText('Demande votre attention')).first().waitFor();
    await page.getByRole('button', { name: 'EN', exact: true }).click();
  });

  it('answers another customer’s case as not found, in the page and the API', async () => {
    await page.goto(`${server.url}/portal/cases/${dupontCase}`);
    await page.locator('.notice.error').waitFor();
    const text = await page.locator('main').textContent();
    expect(text).not.toContain('192.0.2.5');
    expect(text).not.toContain('dupont');
    const status = await page.evaluate(async (id) => (await (globalThis as any).fetch(`/api/v1/portal/cases/${id}`)).status, dupontCase);
    expect(status).toBe(404);
    expect(await post(page, `/api/v1/cases/${dupontCase}/messages`, { body: 'let me in' })).toBe(404);
  });

  it('lets a customer choose one of the three options of a resource-abuse notice', async () => {
    const other = await launchBrowser({ locale: 'fr-BE' });
    try {
      const p = await other.context.newPage();
      p.setDefaultTimeout(10_000);
      await p.goto(`${server.url}/portal/cases/${resourceCase}`);
      await p.locator('input[name=email]').fill(DUPONT.email);
      await p.locator('input[name=password]').fill(DUPONT.password);
      await p.locator('button[type=submit]').first().click();
      // Dupont reads French (the browser's language): three options, each explained.
      const options = p.locator('.option');
      await options.first().waitFor();
      expect(await options.count()).toBe(3);
      const move = options.filter({ hasText: 'Passer à un hébergement dédié' });
      await move.getByRole('button', { name: 'Choisir cette option' }).click();
      await p.getByRole('status').filter({ hasText: 'Votre choix a été enregistré' }).waitFor();
      const detail = await p.evaluate(async (id) => (await (globalThis as any).fetch(`/api/v1/portal/cases/${id}`)).json(), resourceCase);
      expect(detail.choice).toBe('move');
      await p.locator('.option').first().waitFor({ state: 'detached' });
    } finally {
      await other.close();
    }
  });

  it('signs in by a one-time link, once', async () => {
    const fresh = await launchBrowser();
    try {
      const p = await fresh.context.newPage();
      p.setDefaultTimeout(10_000);
      // Asking for a link answers the same for any address (the mail itself goes out by the relay).
      await p.goto(`${server.url}/portal`);
      await p.locator('input[name=email]').fill(JANSEN.email);
      await p.getByRole('button', { name: 'E-mail me a sign-in link' }).click();
      await p.getByRole('alert').filter({ hasText: 'a sign-in link is on its way' }).waitFor();
      const user = await new UserRepository(server.desk.database.db).byEmail(JANSEN.email);
      const token = await authFor(server.desk).issueLink(user!.id);
      await p.goto(`${server.url}/portal/sign-in?token=${encodeURIComponent(token)}`);
      await p.locator('.pcase', { hasText: '192.0.2.20' }).waitFor();
      expect(new URL(p.url()).search).toBe('');
      // Signed out, the same link again: refused.
      await p.evaluate(() => (globalThis as any).fetch('/api/v1/session', { method: 'DELETE', headers: { 'x-csrf-token': decodeURIComponent(/(?:^|; )csrf-token=([^;]+)/.exec((globalThis as any).document.cookie)?.[1] ?? '') } }));
      await p.goto(`${server.url}/portal/sign-in?token=${encodeURIComponent(token)}`);
      await p.getByRole('alert').filter({ hasText: 'expired or was already used' }).waitFor();
    } finally {
      await fresh.close();
    }
  });
});
