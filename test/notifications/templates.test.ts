import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATEGORIES } from '../../src/domain/categories.js';
import { AUP_CLAUSES, clauseFor } from '../../src/notifications/aup-clauses.js';
import { renderAuthorityNotice } from '../../src/notifications/authority-notice.template.js';
import { type CaseNoticeInput, renderCaseNotice } from '../../src/notifications/customer-notice.template.js';
import { renderDigest } from '../../src/notifications/digest.template.js';
import { buildEvidencePackage } from '../../src/notifications/evidence-package.js';
import { LOCALES, pickLocale, textFor } from '../../src/notifications/locales/index.js';
import { renderOutcome } from '../../src/notifications/outcome.template.js';
import { caseIdFromTag, caseReplyAddress } from '../../src/notifications/plus-address.js';
import { redactText } from '../../src/notifications/redact.js';

const aup = readFileSync(resolve(process.cwd(), '../shared/policy/acceptable-use-policy.txt'), 'utf8');
const flat = (s: string) => s.replace(/\s+/g, ' ');
// What a mail client shows once the text part's soft wrapping is undone.
const unwrap = (s: string) => flat(s.replace(/\n> /g, ' ').replace(/\n {2}/g, ' '));

function spamCase(locale: string): CaseNoticeInput {
  return {
    caseId: 41,
    category: 'spam',
    resource: '192.0.2.5',
    customer: { name: 'Brasserie Dupont', locale, domains: ['dupont.example'] },
    clause: clauseFor('spam'),
    events: [
      {
        occurredAt: '2025-03-01T10:00:00Z',
        type: 'spam',
        ip: '192.0.2.5',
        port: null,
        url: null,
        domain: null,
        email: 'promo@dupont.example',
        reporter: 'Jane Victim <jane.victim@isp.example>',
        evidence: {
          subject: 'Cheap pills for jane.victim@isp.example',
          recipient: 'jane.victim@isp.example',
          excerpt: 'Dear Jane Victim,\nTo: bob@other.example\ncall +32 2 555 12 34',
          reporterName: 'Jane Victim',
        },
      },
    ],
    dueAt: '2025-03-03T10:00:00Z',
    replyAddress: caseReplyAddress('abuse@desk.example', 41),
    portalUrl: 'https://portal.desk.example/',
  };
}

describe('AUP clauses', () => {
  it('quotes every category in the exact words of acceptable-use-policy.txt', () => {
    for (const c of CATEGORIES) {
      expect(flat(aup), c).toContain(flat(AUP_CLAUSES[c].text));
      expect(aup, c).toContain(AUP_CLAUSES[c].section);
    }
  });
  it('prefers the policy version own clause text', () => {
    expect(clauseFor('spam', 'Custom words.').text).toBe('Custom words.');
    expect(clauseFor('spam', '  ').text).toBe(AUP_CLAUSES.spam.text);
  });
});

describe('customer notice', () => {
  it.each(LOCALES)('in %s: the clause in English, the deadline, how to respond, the case reference', (locale) => {
    const mail = renderCaseNotice(spamCase(locale));
    const t = textFor(locale);
    expect(mail.subject).toContain('[Case #41]');
    expect(mail.subject).toContain(t.category.spam);
    expect(unwrap(mail.text)).toContain(flat(AUP_CLAUSES.spam.text));
    expect(unwrap(mail.text)).toContain(flat(t.explanation.spam));
    expect(mail.text).toContain('abuse+case-41@desk.example');
    expect(mail.text).toContain('https://portal.desk.example/cases/41');
    expect(mail.text).toContain('2025');
    expect(mail.text).toContain('UTC');
    expect(mail.html).toContain('<blockquote>');
    if (locale !== 'en') expect(unwrap(mail.text)).toContain(t.clauseOriginal);
  });

  it('writes the three languages differently', () => {
    const [en, nl, fr] = LOCALES.map((l) => renderCaseNotice(spamCase(l)).text);
    expect(en).toMatch(/Please resolve this and reply before 3 March 2025/);
    expect(nl).toMatch(/vóór 3 maart 2025/);
    expect(fr).toMatch(/avant le 3 mars 2025/);
  });

  it('removes third parties: recipients, reporters, names, phone numbers; keeps the customer own sender', () => {
    const mail = renderCaseNotice(spamCase('en'));
    for (const leaked of ['jane.victim@isp.example', 'Jane Victim', 'bob@other.example', '555 12 34']) {
      expect(mail.text).not.toContain(leaked);
      expect(mail.html).not.toContain(leaked);
    }
    expect(mail.text).toContain('promo@dupont.example');
    expect(mail.text).toContain('Cheap pills');
  });

  it('never forwards child-abuse evidence: no resource, URL or content, only that a report came and the content is blocked', () => {
    for (const locale of LOCALES) {
      const input: CaseNoticeInput = {
        ...spamCase(locale),
        category: 'child-abuse',
        resource: 'pics.dupont.example',
        clause: clauseFor('child-abuse'),
        events: [{ occurredAt: '2025-03-01T10:00:00Z', type: 'csam', ip: '192.0.2.9', port: null, url: 'http://pics.dupont.example/a/b.jpg', domain: 'pics.dupont.example', email: null, reporter: 'hotline@inhope.example', evidence: { hash: 'abc123', url: 'http://pics.dupont.example/a/b.jpg' } }],
      };
      const mail = renderCaseNotice(input);
      const all = mail.subject + mail.text + mail.html;
      for (const leaked of ['pics.dupont.example', '/a/b.jpg', 'abc123', '192.0.2.9', 'hotline@inhope.example', 'csam']) expect(all).not.toContain(leaked);
      expect(mail.text).toContain(textFor(locale).csamNotice.split(' ')[0]);
      expect(unwrap(mail.text)).toContain(flat(textFor(locale).csamNotice));
      expect(mail.text).toContain('abuse+case-41@desk.example');
    }
  });

  it('offers the three resource-abuse options with the fee', () => {
    const mail = renderCaseNotice({ ...spamCase('nl'), category: 'resource-abuse', clause: clauseFor('resource-abuse'), resourceOffer: { feeCents: 2500, currency: 'EUR', intervalDays: 30 } });
    expect(mail.text).toMatch(/MODIFY/);
    expect(unwrap(mail.text)).toMatch(/PAY: .*25,00 per maand/);
    expect(mail.text).toMatch(/MOVE/);
  });
});

it('digest: one mail, every case with its own reference and deadline', () => {
  const a = spamCase('fr');
  const b = { ...spamCase('fr'), caseId: 42, replyAddress: caseReplyAddress('abuse@desk.example', 42), category: 'phishing' as const, clause: clauseFor('phishing'), dueAt: '2025-03-05T12:00:00Z' };
  const mail = renderDigest({ name: 'Brasserie Dupont', locale: 'fr' }, [a, b]);
  expect(mail.subject).toContain('#41');
  expect(mail.subject).toContain('#42');
  expect(mail.subject).toMatch(/2 nouveaux dossiers/);
  expect(mail.text).toContain('abuse+case-41@desk.example');
  expect(mail.text).toContain('abuse+case-42@desk.example');
  expect(mail.text).toMatch(/5 mars 2025/);
  expect(unwrap(mail.text)).toContain(flat(AUP_CLAUSES.phishing.text));
});

it('reporter outcome: the outcome in the reporter language and nothing about the customer', () => {
  const mail = renderOutcome({ caseId: 7, locale: 'nl-BE', outcome: 'content-removed', reportReceivedAt: '2025-03-01T10:00:00Z' });
  expect(mail.subject).toContain('[Case #7]');
  expect(mail.text).toContain('De gemelde inhoud is verwijderd.');
});

it('authority notice and evidence package: hashes recomputed from the bytes, manifest hash quoted', () => {
  const raw = Buffer.from('From: hotline@example\r\n\r\nreport');
  const sha = createHash('sha256').update(raw).digest('hex');
  const pkg = buildEvidencePackage({
    now: new Date('2025-03-02T00:00:00Z'),
    kase: { id: 9, category: 'illegal-software', resource: 'warez.example', customer: { id: 'c-1', name: 'X' }, openedAt: '2025-03-01T00:00:00Z', policyVersion: '1' },
    reports: [
      { id: 1, sha256: sha, receivedAt: '2025-03-01T00:00:00Z', channel: 'smtp', reporter: null, messageId: null, size: raw.length, format: 'arf', raw },
      { id: 2, sha256: 'f'.repeat(64), receivedAt: '2025-03-01T01:00:00Z', channel: 'api', reporter: null, messageId: null, size: raw.length, format: 'json', raw },
    ],
    events: [],
    custody: [],
    withRaw: true,
  });
  expect(pkg.manifest.reports.map((r) => r.sha256Verified)).toEqual([true, false]);
  expect(pkg.attachments.map((a) => a.filename)).toEqual(['evidence-case-9.json', 'report-1.eml', 'report-2.bin']);
  expect(createHash('sha256').update(pkg.attachments[0].content).digest('hex')).toBe(pkg.manifestSha256);
  const mail = renderAuthorityNotice({ caseId: 9, category: 'illegal-software', clause: clauseFor('illegal-software'), manifest: pkg.manifest, manifestSha256: pkg.manifestSha256, measures: ['hosting account suspended'], contact: 'abuse+case-9@desk.example' });
  expect(mail.text).toContain(sha);
  expect(mail.text).toContain(pkg.manifestSha256);
  expect(unwrap(mail.text)).toContain(flat(AUP_CLAUSES['illegal-software'].text));
});

describe('addresses and locales', () => {
  it('derives and reads the per-case plus address', () => {
    expect(caseReplyAddress('AbuseDesk <abuse@desk.example>', 12)).toBe('abuse+case-12@desk.example');
    expect(caseIdFromTag('abuse+case-12@desk.example')).toBe(12);
    expect(caseIdFromTag('case-12')).toBe(12);
    expect(caseIdFromTag('Re: [Case #77] Abuse report: spam')).toBe(77);
    expect(caseIdFromTag('abuse+other@desk.example')).toBeNull();
    expect(caseIdFromTag(undefined)).toBeNull();
  });
  it('falls back to English', () => {
    expect(pickLocale('nl-BE')).toBe('nl');
    expect(pickLocale('FR')).toBe('fr');
    expect(pickLocale('de')).toBe('en');
    expect(pickLocale(null)).toBe('en');
  });
  it('removes form-style lines naming a person', () => {
    const ctx = { keepDomains: [], thirdParties: [] };
    expect(redactText('Reported by: Alice Martin\nName: Bob\nNom : Chloé Dubois\nURL: http://x.example/', ctx)).toBe('Reported by: [removed]\nName: [removed]\nNom : [removed]\nURL: http://x.example/');
  });
  it('keeps the customer own domains and subdomains', () => {
    expect(redactText('from a@mail.dupont.example to b@x.example', { keepDomains: ['dupont.example'], thirdParties: [] })).toBe('from a@mail.dupont.example to [address removed]');
  });
});
