import { ACTION_KINDS, CATEGORIES } from '../../domain/categories.js';

export { ACTION_KINDS, CATEGORIES };

/**
 * The AUP clause each category rests on and what the policy says to do, from
 * shared/policy/categories.md. Shown beside a case so the operator never has to look it up; the
 * server's policy version, when it sends one, is shown alongside and wins.
 */
export const CLAUSES: Record<string, { clause: string; handling: string }> = {
  'illegal-software': { clause: 'Illegal activities & Warez', handling: 'Suspend the hosting account immediately; notify legal authorities; notify the customer.' },
  copyright: { clause: 'Storage and distribution of copyrighted material', handling: 'Notify the customer with a deadline to remove; remove content on no response; repeat → suspend.' },
  trademark: { clause: 'Other prohibited activities: infringement of applicable law', handling: 'Notify with deadline; remove content.' },
  'adult-content': { clause: 'X-rated content', handling: 'Block all the customer’s data at once; notify legal authorities.' },
  'child-abuse': { clause: 'X-rated content + applicable law', handling: 'Block at once, preserve evidence, notify authorities; the evidence is never forwarded to the customer.' },
  spam: { clause: 'SPAM – UCE', handling: 'Notify; repeated or large volume → suspend mail; blacklisting costs are billed.' },
  spamvertising: { clause: 'SPAM – UCE (mass mail sent elsewhere linking to content on our network)', handling: 'Notify; remove the advertised content.' },
  blacklisting: { clause: 'SPAM – UCE: blacklisting of our addresses', handling: 'Open against the customer who caused it; invoice the losses and costs (delisting, labour).' },
  malware: { clause: 'Viruses, worms, Trojan horses and other malicious software', handling: 'Remove content at once; notify customer; repeat → suspend.' },
  phishing: { clause: 'Content harmful to third parties / applicable law', handling: 'Remove content at once; notify customer.' },
  fraud: { clause: 'Infringement of applicable law', handling: 'Notify with deadline; remove content.' },
  'compromised-host': { clause: 'Malicious software; activity causing losses to third parties', handling: 'Notify the customer to clean up (often a victim); persisting → suspend.' },
  'vulnerable-service': { clause: 'Activity that may reasonably be assumed to cause losses', handling: 'Informational notice; never a sanction by default.' },
  irc: { clause: 'IRC clients, bots, servers, chat rooms without written prior consent', handling: 'With a written consent: record, no action; otherwise notify and request removal.' },
  dos: { clause: 'Denial of Service attacks against or from our servers', handling: 'From us: suspend network access of the source; against us: record, report to the source network.' },
  'port-scan': { clause: 'Port scans without prior consent (security audits may be permitted)', handling: 'With an audit permission: record, no action; otherwise notify; repeat → suspend.' },
  'objectionable-content': { clause: 'Harm to reputation: sexually explicit, racist, discriminatory or hateful material', handling: 'Notify with short deadline; remove content.' },
  harvesting: { clause: 'Gathering e-mail addresses for UCE', handling: 'Notify; repeat → suspend.' },
  'resource-abuse': { clause: 'Disproportionate CPU, memory or network use', handling: 'Offer three options: modify the software, pay an additional fee, or move to dedicated hosting; no choice by the deadline → termination (with approval).' },
  unclassified: { clause: '—', handling: 'Triage: classify the report, then the policy applies.' },
};

/** What each action kind does, in the words shown on the confirmation before it runs. */
export const ACTION_EFFECT: Record<string, string> = {
  'notify-customer': 'Sends the customer a notice by e-mail and shows it in their portal, with the evidence (redacted) and the deadline.',
  suspend: 'Suspends the service named by the scope (hosting account, mail, network access, or all data). The customer loses access until it is lifted.',
  terminate: 'Terminates the agreement for the involved service. This cannot be undone from the console.',
  invoice: 'Adds an invoice line for the costs of this abuse to the customer’s account; it appears in their portal.',
  'remove-content': 'Removes the reported content (URL or files) from the customer’s service.',
  'notify-authorities': 'Sends the case and its preserved evidence to the competent legal or internet authority.',
};

export const SCOPES = ['hosting-account', 'mail', 'network', 'content', 'all-data'];
