import { canonicalIp } from '../domain/ip.js';

/**
 * Finding resources in free text: IP addresses, URLs, host names and e-mail addresses, as
 * reporters write them, including defanged forms (hxxp://, example[.]com, 1.2.3[.]4).
 */

/** Undo the usual defanging so the text can be scanned like any other. */
export function refang(text: string): string {
  return text
    .replace(/\bhxxp(s?):\/\//gi, 'http$1://')
    .replace(/\bhxxp(s?)\[:\]\/\//gi, 'http$1://')
    .replace(/\bh\*\*p(s?):\/\//gi, 'http$1://')
    // "example [.] com": some reporters pad the defanged dot with spaces (or a no-break space).
    .replace(/(?<=[\w-])[ \u00a0]*(?:\[(?:\.|dot)\]|\((?:\.|dot)\)|\{(?:\.|dot)\})[ \u00a0]*(?=[\w-])/gi, '.')
    .replace(/\[(\.|dot)\]|\((\.|dot)\)|\{(\.|dot)\}/gi, '.')
    .replace(/\[:\]/g, ':')
    // "http://example .com/" (a space inserted so mail clients do not link it)
    .replace(/(\b(?:https?|ftp):\/\/[\w.-]+) \.(?=[a-z]{2,24}\b)/gi, '$1.');
}

const IPV4 = /(?<![\d.])(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}(?![\d]|\.\d)/g;
const IPV6 = /(?<![\w:.])(?:[0-9a-f]{1,4}:){1,7}(?::|(?::[0-9a-f]{1,4}){1,7}|[0-9a-f]{1,4})(?:(?<=:)(?:\d{1,3}\.){3}\d{1,3})?(?![\w:])/gi;

/** Every IP address in the text, canonical, in order of first appearance. */
export function findIps(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(IPV4)) {
    const ip = canonicalIp(m[0]);
    if (ip) out.add(ip);
  }
  if (text.includes(':')) {
    for (const m of text.matchAll(IPV6)) {
      const raw = m[0];
      // Clock times (10:53:23) and MAC-like runs are not addresses: require a "::" or 8 groups with a letter or long group.
      const groups = raw.split(':');
      if (!raw.includes('::') && groups.length < 8) continue;
      if (/^\d{1,2}(:\d{1,2}){1,2}$/.test(raw)) continue;
      if (groups.filter((g) => g !== '').length < 2 && !raw.startsWith('::ffff')) continue;
      const ip = canonicalIp(raw);
      if (ip && ip !== '::' && ip !== '::1') out.add(ip);
    }
  }
  return [...out];
}

// ASCII only: reporters' tools cut links at the first non-ASCII character, and so do we.
const URL_RE = /\b(?:https?|ftp):\/\/(?:\[[0-9a-f:.]+\]|[\x21-\x7e]+?)(?=[/?#:]|[^\x21-\x7e]|[<>"'`\\^{}|]|$)[^\s<>"'`\\^{}|\x00-\x20\x7f-\uffff]*/gi;

/** Strip what commonly sticks to the end of a URL in prose. */
function trimUrl(url: string): string {
  let u = url;
  for (;;) {
    const before = u;
    u = u.replace(/[.,;:!?*'"»>]+$/, '');
    if (u.endsWith(')') && (u.match(/\(/g)?.length ?? 0) < (u.match(/\)/g)?.length ?? 0)) u = u.slice(0, -1);
    if (u.endsWith(']') && !/\[[0-9a-f:.]+\]$/i.test(u)) u = u.slice(0, -1);
    if (u === before) return u;
  }
}

/** Every URL in the (already refanged) text, in order, without duplicates. */
export function findUrls(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(URL_RE)) {
    const u = trimUrl(m[0]);
    const host = hostOf(u);
    if (host && (host.includes('.') || host.includes(':'))) out.add(u);
  }
  return [...out];
}

/** The host of a URL, lower case, brackets removed from IPv6 literals; null when unreadable. */
export function hostOf(url: string): string | null {
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#\s]*@)?(\[[^\]]+\]|[^:/?#\s]+)/i.exec(url.trim());
  if (!m) return null;
  let h = m[1].toLowerCase();
  if (h.startsWith('[')) h = h.slice(1, -1);
  return h.replace(/\.$/, '') || null;
}

/** The port of a URL when one is written, else null. */
export function portOf(url: string): number | null {
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#\s]*@)?(?:\[[^\]]+\]|[^:/?#\s]+):(\d{1,5})/i.exec(url.trim());
  return m ? +m[1] : null;
}

// File extensions: dotted words that look like host names but name files.
const FILE_EXTENSIONS = new Set([
  'txt', 'php', 'html', 'htm', 'shtml', 'asp', 'aspx', 'jsp', 'cgi', 'js', 'css', 'json', 'xml', 'csv', 'zip',
  'gz', 'tar', 'rar', 'eml', 'log', 'exe', 'dll', 'pdf', 'doc', 'docx', 'xls', 'xlsx', 'png', 'jpg', 'jpeg',
  'gif', 'svg', 'ico', 'mp3', 'mp4', 'avi', 'mkv', 'wav', 'iso', 'bin', 'yaml', 'yml', 'ini', 'conf', 'cfg',
  'bak', 'tmp', 'msg', 'asc', 'sig', 'p7s', 'jar', 'apk', 'dmg', 'msi', 'bat', 'vbs', 'ps1', 'scr', 'torrent',
  'java', 'class', 'webp', 'woff', 'ttf', 'eot', 'mov', 'wmv', 'flv', 'ppt', 'pptx', 'odt', 'rtf', 'htaccess',
]);

const DOMAIN_RE = /(?<![\w@.-])((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.){1,10}([a-z]{2,24}|xn--[a-z0-9-]{2,40}))(?![\w-]|\.[a-z0-9])/gi;

/** Plausible host names in the text (lower case), excluding file names and e-mail domains. */
export function findDomains(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(DOMAIN_RE)) {
    const name = m[1].toLowerCase();
    if (FILE_EXTENSIONS.has(m[2].toLowerCase())) continue;
    out.add(name);
  }
  return [...out];
}

const EMAIL_RE = /(?<![\w.+-])[a-z0-9][a-z0-9._%+-]{0,63}@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}(?![\w-])/gi;

/** E-mail addresses in the text, lower case. */
export function findEmails(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(EMAIL_RE)) out.add(m[0].toLowerCase());
  return [...out];
}

/** A host name as a domain field: lower case, no trailing dot, null for IP literals. */
export function domainOf(host: string | null | undefined): string | null {
  if (!host) return null;
  const h = host.trim().toLowerCase().replace(/\.$/, '');
  if (!h || canonicalIp(h)) return null;
  return /^[a-z0-9_.-]+$/.test(h) && h.includes('.') ? h : null;
}

/** The registrable-ish part of a host (last two labels, three under short second levels like co.uk). */
export function baseDomain(host: string): string {
  const labels = host.toLowerCase().replace(/\.$/, '').split('.');
  if (labels.length <= 2) return labels.join('.');
  const sld = labels[labels.length - 2];
  const take = sld.length <= 3 && /^(co|com|net|org|gov|edu|ac|or|ne|go|mil|gob|nic)$/.test(sld) ? 3 : 2;
  return labels.slice(-take).join('.');
}

const WHOIS_LINE = /^\s*(NetRange|CIDR|NetName|NetHandle|Parent|NetType|OriginAS|Organization|RegDate|Updated|Ref|OrgName|OrgId|Address|City|StateProv|PostalCode|Country|Comment|Org(Abuse|Tech|NOC|Routing)\w*|inetnum|inet6num|netname|descr|country|admin-c|tech-c|abuse-c|status|mnt-[\w-]+|created|last-modified|source|role|abuse-mailbox|nic-hdl|person|address|phone|fax-no|e-mail|route6?|origin|organisation|org-name|org-type|org|remarks|geoloc|language|sponsoring-org|irt)\s*:.*$/gim;

/**
 * Text without the boilerplate that misleads both the classifier and the resource scan: WHOIS
 * records appended to automatic reports (their ranges and contacts are not the abuse) and
 * copyright footers ("Copyright 1997-2018 ARIN", "(c) 2024 ... All rights reserved").
 */
export function stripBoilerplate(text: string): string {
  return text
    .replace(/^\s*[#%].*$/gm, '')
    .replace(WHOIS_LINE, '')
    .replace(/^.*(copyright\s*(©|\(c\)|\d{4})|©\s*\d{4}|\(c\)\s*\d{4}|all rights reserved).*$/gim, '');
}
