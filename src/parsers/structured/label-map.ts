import type { Category } from '../../domain/categories.js';

/**
 * Third-party vocabulary (XARF types, Shadowserver report names, AbuseIO classes) -> our category,
 * for labels no table in a parser names. Order matters: the first rule that matches wins, so the
 * narrow rules (child abuse, spamvertising) come before the broad ones (spam, malware).
 */
const RULES: Array<[RegExp, Category]> = [
  [/child|csam|csem/, 'child-abuse'],
  [/spamverti/, 'spamvertising'],
  [/harvest/, 'harvesting'],
  [/phish/, 'phishing'],
  [/warez|illegal.?software|crack/, 'illegal-software'],
  [/copyright|p2p|cyberlocker|dmca|acns|piracy|infring/, 'copyright'],
  [/trademark|brand|counterfeit/, 'trademark'],
  [/fraud|illegal.?advert|scam/, 'fraud'],
  [/porn|adult|x.?rated|nud/, 'adult-content'],
  [/violence|harass|doxing|hate|racis|terror|extrem/, 'objectionable-content'],
  [/ddos.?amplification|^open|open_|open.?service|accessible|vulnerab|sslv3|poodle|freak|\bcve\b|^cve|scan_|exposed|misconfig/, 'vulnerable-service'],
  [/ddos|\bdos\b|flood/, 'dos'],
  [/port.?scan|portscan|reconnaissance|^scanners?$|darknet/, 'port-scan'],
  [/^(open.?)?proxy|^socks/, 'vulnerable-service'],
  [/\birc\b/, 'irc'],
  [/blocklist|blacklist|\brbl\b|dnsbl/, 'blacklisting'],
  [/infection|botnet|\bbot\b|drone|sinkhole|login|brute|pwauth|password.?auth|compromis|web.?hack|exploit|malicious|dictionary|\bc2\b|controller|infected|honeypot/, 'compromised-host'],
  [/malware|virus|trojan/, 'malware'],
  [/spam|fbl|feedback|comment/, 'spam'],
  [/resource|cpu|memory/, 'resource-abuse'],
];

/** One label -> a category, or null when the label says nothing we recognize. */
export function mapLabel(label: string | null | undefined): Category | null {
  if (!label) return null;
  const s = label.trim().toLowerCase().replace(/\//g, ' ').replace(/-/g, '_');
  for (const [re, cat] of RULES) if (re.test(s)) return cat;
  return null;
}
