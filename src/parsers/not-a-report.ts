import type { MailMessage } from './mime.js';

/**
 * Mail that reaches abuse@ but is not a report: delivery status notifications, auto-replies
 * (RFC 3834), opt-out confirmations, ticket-status notices of other desks, and bulk mailings
 * that arrive without any complaint. These yield no events and are marked not-actionable.
 * Each check returns the reason, or null.
 */

/** Bounces and read receipts: checked first, since a DSN quotes the original (report-like) mail. */
export function deliveryStatusReason(mail: MailMessage): string | null {
  const ct = mail.headers.get('content-type') ?? '';
  if (/multipart\/report/i.test(ct) && /report-type\s*=\s*"?(delivery-status|disposition-notification)/i.test(ct)) {
    return 'delivery status notification (bounce)';
  }
  if (mail.attachments.some((a) => a.contentType === 'message/delivery-status' || a.contentType === 'message/disposition-notification')) {
    return 'delivery status notification (bounce)';
  }
  // Plain-text bounces of the common MTAs (qmail, Exim, Exchange, Postfix without a DSN part).
  const body = (mail.text || mail.htmlText).slice(0, 4000);
  if (/^(undeliver(able|ed)|delivery (status notification|failure|has failed)|returned mail|mail delivery failed|failure notice|non-?delivery report)\b/i.test(mail.subject.replace(/^\s*((re|fw|fwd|aw|wg|tr|rv|i)\s*:\s*)+/i, '')) &&
      /(could not be delivered|delivery (has )?failed|permanent (error|failure)|user unknown|mailbox (unavailable|not found|full)|address rejected|this is the qmail-send program|created automatically by mail delivery software|undeliverable)/i.test(body)) {
    return 'delivery failure notice (bounce)';
  }
  // The MTA itself speaks: a null reverse path or a mailer-daemon/postmaster author, with a
  // subject or opening of the usual bounce wording (any MTA, not only the common ones).
  const from = mail.from ?? '';
  const fromMta =
    /^(mailer-daemon|postmaster|mail delivery (subsystem|system))\b/i.test(mail.fromName ?? '') ||
    /^(mailer-daemon|postmaster)@/i.test(from) ||
    /^\s*<\s*>\s*$/.test(mail.headers.get('return-path') ?? '');
  const isFeedbackReport = mail.attachments.some((a) => a.contentType === 'message/feedback-report');
  if (fromMta && !isFeedbackReport && (BOUNCE_SUBJECT.test(mail.subject) || BOUNCE_BODY.test(body.slice(0, 1500)))) {
    return 'delivery failure notice (bounce)';
  }
  return null;
}

const BOUNCE_SUBJECT = /undeliver|could not send message|delayed mail|message delayed|delivery (notification: )?delay|deliver(y|ing) (status|failure|has failed|failed|problem|incomplete|delayed)|returned mail|returned to sender|failure notice|could not be delivered|mail delivery failed|non-?delivery/i;
const BOUNCE_BODY = /(error (while )?delivering your (mail|message)|could not be delivered|delivery (to the following recipients? )?(has )?failed|permanent (fatal )?errors?|(did not like|rejected) our (final )?(data|mail from|rcpt to)|message headers follow|returned (mail|message)|temporary failure|will (not )?(try|retry) (again|to redeliver))/i;

const AUTO_REPLY_SUBJECT = /^\s*\[?(auto(matic)?[\s-]*(reply|response|antwort)|autoreply|autosvar|abwesenheitsnotiz|automatisch antwoord|afwezig|out of (the )?office|abwesenheit|automatische antwort|réponse automatique|risposta automatica|respuesta automática|resposta automática|automaattinen vastaus|odpowied[źz] automatyczna|automatick[áa] odpov[ěe]d|otomatik yan[ıi]t|автоматический ответ|автовідповідь|自动回复|自動回覆|自動応答|i am (currently )?out of|on vacation|vacation reply|absence du bureau|fuera de la oficina|fuori sede|ausente do escrit[óo]rio)(?=[\s:!.\]-]|$)/i;
const AUTO_REPLY_BODY = /(this is an automated (response|reply|message)|automatic(ally generated)? (reply|response)|we have received your (e-?mail|message|report)|your (request|ticket|message) has been (received|created|logged)|thank you for (contacting|writing|your (e-?mail|message|report)))/i;
const ACK_OF_REPORT = /(we have received your (abuse )?(complaint|report|notification|notice|e-?mail|message)|thank you for (your|the) (abuse )?(report|complaint|notification)|we (have )?(opened|created) a (case|ticket)|(have )?(contacted|informed|notified) (our|the) (customer|client|user)|(forwarded|passed) (it|this|your (report|complaint)) (on )?to (our|the) (customer|client)|we (will|are going to) (investigate|look into) (this|it|the (matter|issue)))/i;
const TICKET_STATUS = /(changing the status of your ticket|ticket (#\s*)?[\w-]*\s*(has been|was|is now|will now be) (closed|resolved|manually checked|merged)|status:\s*(closed|resolved)\b|this ticket (has been closed|will now be)|we have not received (the )?(requested information|a response|any response|a reply)|as we have not received requested information)/i;
const UNSUBSCRIBED = /(you (have been|are now|were) (successfully )?(unsubscribed|removed from)|unsubscribe confirmation|your (e-?mail )?(address|subscription) has been (removed|cancelled|canceled)|subscription (has been )?(cancelled|canceled|ended))/i;
const REJECTION = /(your (abuse )?(report|complaint|message) (has been|was) (rejected|declined|refused)|we (could|can) ?not (process|accept) your (report|complaint)|report rejected:)/i;
const OPT_OUT = /^(unsubscribe|opt[\s-]?out|remove me|abmelden)\b/i;

/** Everything else that is clearly not a report; only consulted when no report format matched. */
export function notAReportReason(mail: MailMessage): string | null {
  const h = mail.headers;
  const autoSubmitted = (h.get('auto-submitted') ?? '').toLowerCase();
  const body = (mail.text || mail.htmlText).slice(0, 20_000);
  if (autoSubmitted.startsWith('auto-replied') || h.has('x-autoreply') || h.has('x-autorespond') || /auto_reply/i.test(h.get('precedence') ?? '')) {
    return 'auto-reply (RFC 3834)';
  }
  if (AUTO_REPLY_SUBJECT.test(mail.subject)) return 'auto-reply';
  if (/^(re|aw|sv|antw?)\s*:/i.test(mail.subject) === false && AUTO_REPLY_BODY.test(body.slice(0, 1500)) && body.length < 3000 && !/^\s*[>|]/m.test(body.slice(0, 200))) {
    // Only a short acknowledgement that opens with the wording; a report quoting one is longer.
    if (/automated|automatic|received your/i.test(body.slice(0, 600))) return 'auto-reply (acknowledgement of receipt)';
  }
  // Another desk answering a report sent from here: a reply (Re:, a ticket tag, or the quoted
  // original) whose own words acknowledge it. Their quote names our resources, not new abuse.
  const own = body.split(/^\s*(>|-{2,}\s*original message|your original (complaint|report|message)|on .{0,80} wrote:)/im)[0].slice(0, 2000);
  const isReply = /^\s*(\[[^\]]*(ticket|case|incident)[^\]]*\]\s*)?(re|aw|sv|antw?|r)\s*:/i.test(mail.subject) || /\[\s*(ticket|case)\s*#?\s*[\w-]+\]/i.test(mail.subject) || own.length < body.length;
  if (isReply && own.length < 2000 && ACK_OF_REPORT.test(own)) return 'acknowledgement by another desk of a report sent from here, not a new report';
  if (TICKET_STATUS.test(body.slice(0, 3000))) return "ticket status notice of another desk, not a new report";
  if (OPT_OUT.test(mail.subject) && body.length < 2000) return 'opt-out / unsubscribe request';
  if (UNSUBSCRIBED.test(mail.subject + '\n' + body.slice(0, 1500)) && body.length < 3000) return 'opt-out / unsubscribe confirmation';
  if (REJECTION.test(mail.subject + '\n' + body.slice(0, 1500)) && body.length < 4000) return 'rejection of a report sent from here, not a new report';
  // A bulk mailing that names its own complaint address (RFC 9477 CFBL), delivered or forwarded
  // here without any complaint: the newsletter itself, not a report about it.
  const target = h.has('cfbl-address') ? mail : mail.embedded.find((m) => m.headers.has('cfbl-address'));
  if (target) {
    const outerWords = target === mail ? '' : body;
    if (outerWords.replace(/\s+/g, ' ').trim().length < 400) return 'bulk mailing with its own CFBL feedback address (RFC 9477), no complaint attached';
  }
  return null;
}
