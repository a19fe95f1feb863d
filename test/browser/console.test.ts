import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { authFor } from '../../src/auth/auth.service.js';
import { ActionRepository } from '../../src/storage/repositories/action.repository.js';
import { NoteRepository } from '../../src/storage/repositories/note.repository.js';
import { UserRepository } from '../../src/storage/repositories/user.repository.js';
import { workflowOf } from '../../src/workflow/install.js';
import { complaintMail, demoInventory } from './demo.js';
import { addUser, type Browser, describeBrowser, ensureWebBuilt, launchBrowser, type Server, startServer } from './harness.js';

/**
 * An operator's main path in a real browser: sign in, open the awaiting-approval queue from the
 * keyboard, open the case, read what approving will do, approve it; note and propose on the way.
 */
let server: Server;
let browser: Browser;
let page: Page;
let caseId: number;
let actionId: number;
const ANA = { email: 'ana@provider.example', password: 'ana works the abuse desk' };

describeBrowser('the console', () => {
  beforeAll(async () => {
    ensureWebBuilt();
    server = await startServer();
    await server.desk.inventory.import(demoInventory);
    await addUser(server.desk, { ...ANA, role: 'analyst', name: 'Ana' });
    await server.desk.ingest.submit({ raw: Buffer.from(complaintMail('compromised', { ip: '192.0.2.20' }, new Date(Date.now() - 3_600_000).toISOString())), channel: 'smtp' });
    // A second host of the same customer, in the same /28: two cases for the search and bulk step.
    await server.desk.ingest.submit({ raw: Buffer.from(complaintMail('portscan', { ip: '192.0.2.21' }, new Date(Date.now() - 3_000_000).toISOString())), channel: 'smtp' });
    await server.desk.worker.runUntilIdle();
    const c = (await server.desk.cases.list()).find((x) => x.resource === '192.0.2.20');
    if (!c) throw new Error('the complaint opened no case');
    caseId = c.id;
    // What the policy's next rung would do: a suspension only an operator may let through.
    const proposed = await workflowOf(server.desk).service.propose(caseId, { kind: 'suspend', scope: 'network', approval: 'operator', reason: 'persisting after notice' }, 'policy:test');
    actionId = proposed!.id;
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.setDefaultTimeout(10_000);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('refuses a wrong password and signs in with the right one', async () => {
    await page.goto(`${server.url}/console`);
    await page.getByLabel('E-mail').fill(ANA.email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/do not match/);
    await page.getByLabel('Password').fill(ANA.password);
    await page.getByLabel('Password').press('Enter');
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    expect(await page.locator('.whoami .who').textContent()).toBe(ANA.email);
  });

  it('works a case from the queue to an approved action', async () => {
    // Keyboard: 4 is the fourth queue in the sidebar, awaiting approval.
    await page.keyboard.press('4');
    await page.waitForURL(/\/console\/queues\/awaiting-approval$/);
    const row = page.locator('table.grid tbody tr', { hasText: 'suspend' });
    await row.first().waitFor();
    expect(await row.first().textContent()).toContain('192.0.2.20');
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/console/cases/${caseId}$`));
    await page.getByRole('heading', { name: '192.0.2.20' }).waitFor();

    const steps = page.getByRole('region', { name: 'Next steps' });
    await steps.getByRole('button', { name: 'Approve…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Approve this step?' });
    const preview = await dialog.getByTestId('preview').textContent();
    expect(preview).toContain(`suspend (network) on case #${caseId}`);
    expect(preview).toMatch(/Suspends the service/);
    expect(preview).toContain(`approved by ${ANA.email}`);
    // Nothing happened yet: the preview is only words.
    expect((await new ActionRepository(server.desk.database.db).get(actionId))?.status).toBe('proposed');

    await dialog.getByRole('button', { name: 'Approve', exact: true }).click();
    await steps.getByRole('status').filter({ hasText: 'Approved: suspend (network)' }).waitFor();
    const after = await new ActionRepository(server.desk.database.db).get(actionId);
    expect(after?.status).not.toBe('proposed');
    expect(after?.approved_by).toContain(ANA.email);
    await expect.poll(() => steps.textContent()).toContain('No step is waiting for approval');
  });

  it('adds a note and proposes a step, each previewed first', async () => {
    await page.keyboard.press('n');
    const note = page.getByRole('dialog', { name: 'Add an internal note' });
    expect(await note.getByTestId('preview').textContent()).toMatch(/the customer never does/);
    await note.getByRole('textbox').fill('Called the customer: they are reinstalling the VPS tonight.');
    await note.getByRole('button', { name: 'Add note' }).click();
    await page.getByTestId('timeline').getByText('reinstalling the VPS tonight').waitFor();

    await page.keyboard.press('p');
    const propose = page.getByRole('dialog', { name: 'Propose a step' });
    await propose.getByLabel('Step').selectOption('notify-customer');
    expect(await propose.getByTestId('preview').textContent()).toMatch(/Adds notify-customer to case #\d+\. It does nothing until it is approved/);
    await propose.getByRole('button', { name: 'Propose' }).click();
    const steps = page.getByRole('region', { name: 'Next steps' });
    await steps.locator('.pending li', { hasText: 'notify-customer' }).waitFor();
    const actions = await new ActionRepository(server.desk.database.db).forCase(caseId);
    expect(actions.filter((a) => a.kind === 'notify-customer' && a.status === 'proposed')).toHaveLength(1);
  });

  it('finds cases by the prefix their addresses are in and notes them in bulk', async () => {
    await page.keyboard.press('/');
    await page.keyboard.type('192.0.2.16/28');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/console\/search\?q=/);
    await page.getByTestId('result-count').waitFor();
    expect(await page.getByTestId('result-count').textContent()).toBe('2 cases');
    const body = await page.locator('table.grid tbody').textContent();
    expect(body).toContain('192.0.2.20');
    expect(body).toContain('192.0.2.21');
    expect(body).not.toContain('192.0.2.5');

    // Keyboard selection: x marks the row under the cursor, j moves down.
    await page.locator('body').click({ position: { x: 5, y: 300 } });
    await page.keyboard.press('x');
    await page.keyboard.press('j');
    await page.keyboard.press('x');
    const bar = page.getByRole('region', { name: 'Bulk actions' });
    expect(await bar.locator('strong').textContent()).toBe('2 selected');
    await bar.getByRole('button', { name: 'Add note…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add note' });
    expect(await dialog.getByTestId('preview').textContent()).toMatch(/same internal note to 2 case\(s\)/);
    await dialog.getByRole('textbox').fill('Same customer, same /28: handled together.');
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await dialog.getByRole('status').filter({ hasText: '2 done.' }).waitFor();
    const ids = (await server.desk.cases.list()).filter((x) => x.resource === '192.0.2.20' || x.resource === '192.0.2.21').map((x) => x.id);
    for (const id of ids) {
      const notes = await new NoteRepository(server.desk.database.db).forCase(id);
      expect(notes.map((n) => n.text)).toContain('Same customer, same /28: handled together.');
    }
  });

  it('gives an unclassified complaint its category from the case page, previewed first', async () => {
    const raw = `From: someone@example.org\r\nTo: abuse@provider.example\r\nSubject: strange thing\r\nMessage-ID: <odd-1@example.org>\r\nDate: ${new Date().toUTCString()}\r\n\r\nHello, something odd is going on with 192.0.2.22, please look.\r\n`;
    await server.desk.ingest.submit({ raw: Buffer.from(raw), channel: 'smtp' });
    await server.desk.worker.runUntilIdle();
    const odd = (await server.desk.cases.list()).find((x) => x.resource === '192.0.2.22' && x.category === 'unclassified');
    if (!odd) throw new Error('the complaint opened no unclassified case');
    await page.goto(`${server.url}/console/cases/${odd.id}`);
    await page.locator('select[name=reclassify]').selectOption('compromised-host');
    expect(await page.getByTestId('reclassify-preview').textContent()).toMatch(/1 event go back to correlation as compromised-host/);
    await page.getByRole('button', { name: 'Reclassify' }).click();
    await page.getByRole('status').filter({ hasText: 'sent back to correlation as compromised-host' }).waitFor();
    await server.desk.worker.runUntilIdle();
    const now = await server.desk.cases.list();
    expect(now.find((x) => x.id === odd.id)?.status).toBe('closed');
    expect(now.find((x) => x.resource === '192.0.2.22' && x.category === 'compromised-host')).toBeTruthy();
  });

  it('signs in by the one-time link a first start prints, once', async () => {
    const fresh = await launchBrowser();
    try {
      const p = await fresh.context.newPage();
      p.setDefaultTimeout(10_000);
      const user = await new UserRepository(server.desk.database.db).byEmail(ANA.email);
      const token = await authFor(server.desk).issueLink(user!.id);
      await p.goto(`${server.url}/console/sign-in?token=${encodeURIComponent(token)}`);
      await p.getByRole('heading', { name: 'Dashboard' }).waitFor();
      expect(await p.locator('.whoami .who').textContent()).toBe(ANA.email);
      // The token leaves the address bar once used.
      await p.waitForURL((u) => u.pathname === '/console' && u.search === '');
      // Signed out, the same link again: refused.
      await p.evaluate(() => (globalThis as any).fetch('/api/v1/session', { method: 'DELETE', headers: { 'x-csrf-token': decodeURIComponent(/(?:^|; )csrf-token=([^;]+)/.exec((globalThis as any).document.cookie)?.[1] ?? '') } }));
      await p.goto(`${server.url}/console/sign-in?token=${encodeURIComponent(token)}`);
      await p.getByRole('alert').filter({ hasText: 'expired or was already used' }).waitFor();
    } finally {
      await fresh.close();
    }
  });
});
