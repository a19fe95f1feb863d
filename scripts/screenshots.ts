import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { ensureWebBuilt, launchBrowser, startServer } from '../test/browser/harness.js';
import { DEMO_USERS, seedDemo, ShiftedClock } from '../test/browser/seed.js';

/**
 * `npm run screenshots`: the real server on a fresh SQLite file with a month of demo data, and
 * headless Chromium taking a PNG of each main page into ./screenshots for review.
 */
const out = resolve(process.cwd(), 'screenshots');
mkdirSync(out, { recursive: true });

/**
 * A cold load of a page, and when its last request (bundle or API answer) finished, from the
 * browser's own resource timing: roughly when the data is on screen. A figure to watch.
 */
async function visit(page: Page, url: string, name: string) {
  await page.goto(url);
  await page.waitForLoadState('networkidle');
  const last = await page.evaluate(() => Math.max(0, ...(globalThis as any).performance.getEntriesByType('resource').map((e: { responseEnd: number }) => e.responseEnd)));
  timings.push(`${name} ${Math.round(last)} ms`);
}
const timings: string[] = [];
/** Every console error and CSP report of every page visited: there should be none. */
const problems: string[] = [];
function watch(page: Page) {
  page.on('console', (m) => {
    // The signed-out session probe answers 401 by design; everything else counts.
    if (/status of 401/.test(m.text())) return;
    if (m.type() === 'error' || /Content Security Policy|Trusted Type/i.test(m.text())) problems.push(`${page.url()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`${page.url()}: ${e.message}`));
  return page;
}

async function shot(page: Page, name: string, fullPage = false) {
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(250);
  const file = resolve(out, `${name}.png`);
  await page.screenshot({ path: file, fullPage });
  process.stdout.write(`wrote ${file}\n`);
}

async function signIn(page: Page, url: string, email: string, password: string, portal = false) {
  await page.goto(`${url}/${portal ? 'portal' : 'console'}`);
  await page.locator('input[name=email]').fill(email);
  await page.locator('input[name=password]').fill(password);
  await page.locator('button[type=submit]').click();
  await page.waitForLoadState('networkidle');
}

async function main() {
  const t0 = Date.now();
  ensureWebBuilt();
  const clock = new ShiftedClock();
  const server = await startServer({ clock });
  const { reports } = await seedDemo(server.desk, clock);
  process.stdout.write(`seeded ${reports} reports in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  const browser = await launchBrowser({ viewport: { width: 1440, height: 900 } });
  try {
    const page = watch(await browser.context.newPage());
    await signIn(page, server.url, DEMO_USERS.analyst.email, DEMO_USERS.analyst.password);
    await shot(page, 'console-dashboard', true);

    await visit(page, `${server.url}/console`, 'dashboard');
    await visit(page, `${server.url}/console/queues/unassigned`, 'queue unassigned');
    await shot(page, 'console-queue-unassigned');
    await visit(page, `${server.url}/console/queues/awaiting-approval`, 'queue awaiting-approval');
    await shot(page, 'console-queue-awaiting-approval');
    await page.goto(`${server.url}/console/queues/failed-reports`);
    await shot(page, 'console-queue-failed-reports');

    const cases = await server.desk.cases.list({ limit: 1000 });
    const busiest = [...cases].sort((a, b) => b.eventCount - a.eventCount)[0];
    const phishing = cases.find((c) => c.category === 'phishing') ?? busiest;
    const hostile = cases.find((c) => c.resource === '192.0.2.21');
    for (const [name, c] of [
      ['console-case', phishing],
      ['console-case-spam', busiest],
      ['console-case-hostile', hostile],
    ] as const) {
      if (!c) continue;
      await visit(page, `${server.url}/console/cases/${c.id}`, `case ${c.id} (${c.eventCount} events)`);
      await page.getByTestId('report-subject').first().waitFor({ timeout: 10_000 }).catch(() => undefined);
      await shot(page, name, true);
    }
    if (phishing) {
      await page.goto(`${server.url}/console/cases/${phishing.id}`);
      await page.getByRole('button', { name: /Propose a step/ }).click();
      await shot(page, 'console-case-propose-dialog');
      await page.keyboard.press('Escape');
    }

    await visit(page, `${server.url}/console/search?q=${encodeURIComponent('192.0.2.0/24')}`, 'search 192.0.2.0/24');
    await shot(page, 'console-search');
    await page.goto(`${server.url}/console/inventory/c-1001`);
    await shot(page, 'console-inventory-customer');
    await page.goto(`${server.url}/console/policy`);
    await shot(page, 'console-policy');
    await page.close();

    // A supervisor's view: the policy with its editor, the account page with users and tokens.
    const sp2 = watch(await browser.context.newPage());
    await sp2.goto(`${server.url}/console`);
    await sp2.locator('button', { hasText: 'Sign out' }).click();
    await signIn(sp2, server.url, DEMO_USERS.supervisor.email, DEMO_USERS.supervisor.password);
    await sp2.goto(`${server.url}/console/policy`);
    await sp2.getByRole('button', { name: /Write a new version/ }).click();
    await sp2.locator('textarea.code').waitFor();
    await shot(sp2, 'console-policy-editor');
    await sp2.goto(`${server.url}/console/account`);
    await shot(sp2, 'console-account', true);
    await sp2.close();

    // The portal, as three customers in their own languages.
    for (const [who, lang] of [
      ['northwind', 'en'],
      ['jansen', 'nl'],
      ['dupont', 'fr'],
    ] as const) {
      const ctx = await launchBrowser({ viewport: { width: 1100, height: 900 }, locale: lang });
      const p = watch(await ctx.context.newPage());
      const u = DEMO_USERS[who];
      await signIn(p, server.url, u.email, u.password, true);
      await shot(p, `portal-home-${lang}`, true);
      const mine = cases.filter((c) => c.customer === u.customerId);
      const pick = mine.find((c) => c.category === 'resource-abuse') ?? mine[0];
      if (pick) {
        await p.goto(`${server.url}/portal/cases/${pick.id}`);
        await shot(p, `portal-case-${lang}`, true);
      }
      await ctx.close();
    }
    // A customer on a phone.
    const phone = await launchBrowser({ viewport: { width: 390, height: 844 }, locale: 'nl' });
    const pp = watch(await phone.context.newPage());
    await signIn(pp, server.url, DEMO_USERS.jansen.email, DEMO_USERS.jansen.password, true);
    const jansenCase = cases.find((c) => c.customer === DEMO_USERS.jansen.customerId);
    if (jansenCase) {
      await pp.goto(`${server.url}/portal/cases/${jansenCase.id}`);
      await shot(pp, 'portal-case-phone-nl', true);
    }
    await phone.close();

    const signin = await launchBrowser({ viewport: { width: 1100, height: 800 } });
    const sp = watch(await signin.context.newPage());
    await sp.goto(`${server.url}/portal?lang=nl`);
    await shot(sp, 'portal-signin-nl');
    await sp.goto(`${server.url}/console`);
    await shot(sp, 'console-signin');
    await signin.close();
  } finally {
    await browser.close();
    await server.close();
  }
  process.stdout.write(`browser console errors and CSP violations: ${problems.length}\n${problems.map((p) => `  ${p}\n`).join('')}`);
  process.stdout.write(`cold page load to last response (resource timing): ${timings.join('; ')}\n`);
  process.stdout.write(`done in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
