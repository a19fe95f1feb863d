import { domainToASCII } from 'node:url';

const MAX_INPUT = 4096;
const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;

/**
 * A host name in the form the inventory and the lookups share: lower case, no trailing dot,
 * internationalized names in their ASCII (punycode) form. Null when it cannot be a host name.
 */
export function normalizeDomain(text: string): string | null {
  if (typeof text !== 'string' || text.length > MAX_INPUT) return null;
  let name = text.trim().toLowerCase().replace(/\.+$/, '');
  // eslint-disable-next-line no-control-regex
  if (/[^\x00-\x7f]/.test(name)) name = domainToASCII(name);
  if (name.length === 0 || name.length > 253) return null;
  for (const label of name.split('.')) if (!LABEL.test(label)) return null;
  return name;
}

/**
 * Undoes the usual ways reporters defang a URL so nobody clicks it: hxxp, [.] (.) {.} [dot],
 * [:] and [://]. Also drops angle brackets and quotes around it.
 */
export function refang(text: string): string {
  return text
    .trim()
    .replace(/^[<"'(]+|[>"')]+$/g, '')
    .replace(/\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)|\{dot\}/gi, '.')
    .replace(/\[:\/\/\]/g, '://')
    .replace(/\[:\]/g, ':')
    .replace(/^h(?:xx|\*\*)p(s?)(?=:|\[)/i, 'http$1');
}

/**
 * The host part of a URL, lower case, IPv6 literals without brackets; null when there is none.
 * Tolerates a missing scheme (`dupont.example/x`), defanged forms, user info and ports.
 */
export function urlHost(input: string): string | null {
  if (typeof input !== 'string' || input.length > MAX_INPUT) return null;
  let text = refang(input);
  if (text.length === 0) return null;
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) text = text.startsWith('//') ? `http:${text}` : `http://${text}`;
  let host: string;
  try {
    host = new URL(text).hostname;
  } catch {
    // WHATWG URL refuses some hosts reporters still write (spaces, stray characters): take the
    // authority by hand.
    const authority = text.slice(text.indexOf('://') + 3).split(/[/?#\\]/, 1)[0];
    host = authority.slice(authority.lastIndexOf('@') + 1);
    if (host.startsWith('[')) host = host.slice(0, host.indexOf(']') + 1);
    else host = host.replace(/:\d*$/, '');
  }
  host = host.toLowerCase().replace(/\.+$/, '');
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return host.length > 0 ? host : null;
}

/**
 * The domain of an e-mail address (`Name <user@dupont.example>`, `mailto:` forms too), or an
 * address literal (`user@[192.0.2.1]`, `user@[IPv6:2001:db8::1]`) without its brackets.
 * Defanged `user[at]dupont[.]example` is read too.
 */
export function emailHost(input: string): string | null {
  if (typeof input !== 'string' || input.length > MAX_INPUT) return null;
  let text = input.trim();
  const angle = text.match(/<([^<>]*)>/);
  if (angle) text = angle[1].trim();
  text = text
    .replace(/^mailto:/i, '')
    .split(/[?#]/, 1)[0]
    .replace(/\s*(?:\[at\]|\(at\)|\{at\})\s*/gi, '@')
    .replace(/\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)/gi, '.');
  const at = text.lastIndexOf('@');
  if (at < 0) return null;
  let host = text.slice(at + 1).trim().toLowerCase();
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    if (end < 0) return null;
    host = host.slice(1, end).replace(/^ipv6:/, '');
  } else {
    host = host.replace(/[>"'),;:]+$/, '').replace(/\.+$/, '');
  }
  return host.length > 0 ? host : null;
}
