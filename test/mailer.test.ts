import { afterAll, beforeAll, expect, it } from 'vitest';
import { createMailer } from '../src/connectors/mailer.js';
import { SmtpSink } from './support/smtp-sink.js';

let sink: SmtpSink;
beforeAll(async () => {
  sink = await new SmtpSink().start();
});
afterAll(() => sink.stop());

it('hands mail to a real SMTP relay, marked auto-generated', async () => {
  const mailer = createMailer(sink.url, 'abuse@desk.example');
  const { messageId } = await mailer.send({ to: 'it@dupont.example', subject: 'Case 12', text: 'Hello', headers: { 'X-AbuseDesk-Case': '12' } });
  await sink.waitFor(1);
  mailer.close();
  const m = sink.messages[0];
  expect(m.to).toEqual(['it@dupont.example']);
  expect(m.parsed.subject).toBe('Case 12');
  expect(m.parsed.headers.get('auto-submitted')).toBe('auto-generated');
  expect(m.parsed.headers.get('x-abusedesk-case')).toBe('12');
  expect(m.parsed.messageId).toBe(messageId);
});

it('refuses to send without a relay instead of dropping the mail', async () => {
  await expect(createMailer(null, 'abuse@desk.example').send({ to: 'x@y.example', subject: 's', text: 't' })).rejects.toThrow(/ABUSEDESK_RELAY_URL/);
});
