/**
 * The AUP category and action ids (shared/policy/categories.md). They are a public contract:
 * API, CLI output, exports and tests use them exactly as written here.
 */
export const CATEGORIES = [
  'illegal-software',
  'copyright',
  'trademark',
  'adult-content',
  'child-abuse',
  'spam',
  'spamvertising',
  'blacklisting',
  'malware',
  'phishing',
  'fraud',
  'compromised-host',
  'vulnerable-service',
  'irc',
  'dos',
  'port-scan',
  'objectionable-content',
  'harvesting',
  'resource-abuse',
  'unclassified',
] as const;

export type Category = (typeof CATEGORIES)[number];

export function isCategory(value: unknown): value is Category {
  return typeof value === 'string' && (CATEGORIES as readonly string[]).includes(value);
}

/** The six resolution steps of the policy, as action kinds. */
export const ACTION_KINDS = [
  'notify-customer',
  'suspend',
  'terminate',
  'invoice',
  'remove-content',
  'notify-authorities',
] as const;

export type ActionKind = (typeof ACTION_KINDS)[number];

/**
 * Categories about content published on the network: their cases are keyed by the domain
 * (or URL host) rather than by the IP address, so every page of one site lands in one case.
 */
export const WEB_CONTENT_CATEGORIES: ReadonlySet<Category> = new Set<Category>([
  'illegal-software',
  'copyright',
  'trademark',
  'adult-content',
  'child-abuse',
  'spamvertising',
  'malware',
  'phishing',
  'fraud',
  'objectionable-content',
]);
