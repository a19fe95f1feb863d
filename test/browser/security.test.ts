import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { WEB_CSP } from '../../src/http/web.plugin.js';
import { demoInventory, HOSTILE_PAYLOADS, hostileMail } from './demo.js';
import { addUser, type Browser, describeBrowser, ensureWebBuilt, launchBrowser, type Server, startServer } from './harness.js';

/**
 * A hostile report in the console: every place it is shown (subject, headers, body, attachment
 * names, timeline, evidence) must stay text. Each payload would set window.__pwned or call the
 * binding `pwned` exposed to the page if it ever ran; neither may happen.
 */
let server: Server;
let browser: Browser;
let caseId: number;
const fired: string[] = [];
const violations: string[] = [];

async function signIn(page: Page, base: string, email: string, password: string) {
  await page.goto(`${base}/console`);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Queues' }).waitFor();
}

describeBrowser('the console against a hostile report', () => {
  beforeAll(async () => {
    ensureWebBuilt();
    server = await startServer();
    await server.desk.inventory.import(demoInventory);
    await addUser(server.desk, { email: 'ana@provider.example', role: 'analyst', password: 'correct horse battery staple' });
    // 192.0.2.20 is Bakkerij Jansen's: its portal shows the same report's evidence.
    await addUser(server.desk, { email: 'info@jansen.example', role: 'customer', customerId: 'c-1002', password: 'jansen portal password' });
    await server.desk.ingest.submit({ raw: Buffer.from(hostileMail('192.0.2.20', '2026-11-20T10:00:00Z')), channel: 'smtp' });
    await server.desk.worker.runUntilIdle();
    const cases = await server.desk.cases.list();
    const hostile = cases.find((c) => c.resource === '192.0.2.20');
    if (!hostile) throw new Error(`the hostile report opened no case: ${JSON.stringify(cases)}`);
    caseId = hostile.id;
    browser = await launchBrowser();
    await browser.context.exposeBinding('pwned', (_src, what: string) => {
      fired.push(String(what));
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('serves every page and asset under a strict CSP with Trusted Types', async () => {
    for (const path of ['/console', '/console/cases/1', '/portal', '/portal/cases/1']) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.status).toBe(200);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toBe(WEB_CSP);
      const directives = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
      expect(directives['script-src']).toEqual(["'self'"]);
      expect(directives['default-src']).toEqual(["'none'"]);
      expect(directives['object-src']).toEqual(["'none'"]);
      expect(directives['frame-ancestors']).toEqual(["'none'"]);
      expect(directives['require-trusted-types-for']).toEqual(["'script'"]);
      expect(csp).not.toMatch(/unsafe-|\*|https?:/);
      expect(directives['script-src']).not.toContain('data:');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      // No inline script in the page itself: only the bundle, by URL.
      const html = await res.text();
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
    }
    const html = await (await fetch(`${server.url}/console`)).text();
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(asset).toBeTruthy();
    const js = await fetch(`${server.url}${asset}`);
    expect(js.headers.get('content-security-policy')).toBe(WEB_CSP);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect((await fetch(`${server.url}/assets/..%2Fconsole.html`)).status).toBe(404);
  });

  it('shows the report as text and runs none of its script', async () => {
    const page = await browser.context.newPage();
    violations.length = 0;
    page.on('console', (m) => {
      if (/Content Security Policy|Trusted Type/i.test(m.text())) violations.push(m.text());
    });
    // The detector works: the binding records a call made from the page.
    await page.goto(`${server.url}/console`);
    await page.evaluate(() => (globalThis as unknown as { pwned(x: string): Promise<void> }).pwned('control'));
    expect(fired).toEqual(['control']);
    fired.length = 0;

    await signIn(page, server.url, 'ana@provider.example', 'correct horse battery staple');
    await page.goto(`${server.url}/console/cases/${caseId}`);
    const subject = page.getByTestId('report-subject');
    await subject.waitFor();
    // Displayed literally, markup and all.
    expect(await subject.textContent()).toContain(HOSTILE_PAYLOADS[0]);
    // The body is read as text (the HTML part's words, or its markup as characters).
    expect(await page.getByTestId('report-body').textContent()).toContain('Your host 192.0.2.20 has been attacking');
    const attachments = await page.getByTestId('report-attachments').textContent();
    expect(attachments).toContain('<img src=x onerror=');
    await page.getByRole('tab', { name: /Headers/ }).click();
    expect(await page.locator('table.headers').textContent()).toContain(HOSTILE_PAYLOADS[2]);
    await page.getByRole('tab', { name: /Raw source/ }).click();
    const raw = page.locator('pre.raw');
    await raw.waitFor();
    expect(await raw.textContent()).toContain(`<html><body onload="window.__pwned=5`);
    expect(await raw.textContent()).toContain(HOSTILE_PAYLOADS[3]);
    await page.waitForTimeout(500);

    const dom = await page.evaluate(() => {
      // Runs in the page (the server's tsconfig has no DOM types).
      const document = (globalThis as any).document;
      return {
      pwned: (globalThis as unknown as { __pwned?: unknown }).__pwned ?? null,
      scripts: [...document.querySelectorAll('script')].map((s: any) => s.getAttribute('src') as string | null),
      iframes: document.querySelectorAll('iframe').length,
      foreignImages: [...document.querySelectorAll('img')].map((i: any) => i.getAttribute('src') as string),
      handlers: [...document.querySelectorAll('*')].filter((el: any) => [...el.attributes].some((a: any) => a.name.startsWith('on'))).length,
      };
    });
    expect(dom.pwned).toBeNull();
    expect(fired).toEqual([]);
    expect(dom.scripts.every((s) => s !== null && s.startsWith('/assets/'))).toBe(true);
    expect(dom.iframes).toBe(0);
    expect(dom.foreignImages).toEqual([]);
    expect(dom.handlers).toBe(0);
    // Escaping alone kept it inert: the CSP never even had to refuse anything.
    expect(violations).toEqual([]);
    await page.close();
  });

  it('keeps the same report inert in the customer portal', async () => {
    const customer = await launchBrowser();
    try {
      await customer.context.exposeBinding('pwned', (_src, what: string) => {
        fired.push(String(what));
      });
      const page = await customer.context.newPage();
      page.setDefaultTimeout(10_000);
      await page.goto(`${server.url}/portal/cases/${caseId}`);
      await page.locator('input[name=email]').fill('info@jansen.example');
      await page.locator('input[name=password]').fill('jansen portal password');
      await page.locator('button[type=submit]').first().click();
      await page.locator('.evidence').waitFor();
      expect(await page.locator('.evidence').textContent()).toContain(HOSTILE_PAYLOADS[0]);
      await page.waitForTimeout(300);
      expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: unknown }).__pwned ?? null)).toBeNull();
      expect(await page.evaluate(() => (globalThis as any).document.querySelectorAll('iframe, img, [onerror], [onload]').length)).toBe(0);
      expect(fired).toEqual([]);
    } finally {
      await customer.close();
    }
  });

  it('refuses injected markup, inline handlers and javascript: URLs in the page', async () => {
    const page = await browser.context.newPage();
    violations.length = 0;
    page.on('console', (m) => {
      if (/Content Security Policy|Trusted Type/i.test(m.text())) violations.push(m.text());
    });
    await page.goto(`${server.url}/console`);
    const result = await page.evaluate(() => {
      const document = (globalThis as any).document;
      const out: Record<string, string> = {};
      const attempt = (name: string, f: () => void) => {
        try {
          f();
          out[name] = 'done';
        } catch (e) {
          out[name] = (e as Error).name;
        }
      };
      // Trusted Types: a string may not become markup or script.
      attempt('html', () => document.body.insertAdjacentHTML('beforeend', '<img src=x onerror="window.__pwned=9">'));
      attempt('script', () => {
        const s = document.createElement('script');
        s.textContent = 'window.__pwned = 10';
        document.body.append(s);
      });
      // Had either slipped through, the browser would still refuse to run it (no 'unsafe-inline').
      attempt('handler', () => {
        const b = document.createElement('button');
        b.id = 'trap';
        b.setAttribute('onclick', 'window.__pwned = 11');
        document.body.append(b);
      });
      attempt('jsurl', () => {
        const a = document.createElement('a');
        a.id = 'jsurl';
        a.setAttribute('href', 'javascript:window.__pwned=12');
        a.textContent = 'x';
        document.body.append(a);
      });
      return out;
    });
    for (const id of ['#trap', '#jsurl']) if (await page.locator(id).count()) await page.locator(id).click({ force: true });
    await page.waitForTimeout(300);
    expect(result.html).toBe('TypeError');
    expect(result.script).toBe('TypeError');
    expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: unknown }).__pwned ?? null)).toBeNull();
    expect(result.handler).toBe('TypeError');
    // The javascript: link could be created (an attribute, not markup) but the CSP refused to run it.
    expect(violations.some((v) => /JavaScript URL.*script-src 'self'.*blocked/s.test(v))).toBe(true);
    await page.close();
  });
});
