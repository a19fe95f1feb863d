import { CATEGORIES, type Category } from '../domain/categories.js';
import type { CategoryPolicy, Policy } from './policy.js';

export interface PolicyChange {
  /** The category the change is about; null for the policy as a whole. */
  category: Category | null;
  kind: 'clause' | 'section' | 'severity' | 'handling' | 'defaults';
  summary: string;
}

/** How a category is handled, as a reader would compare it: steps with their deadline, approval and actions. */
function handling(c: CategoryPolicy): string {
  return JSON.stringify({
    consent: c.consent ?? null,
    notify: c.notify ?? null,
    onReply: c.onReply ?? null,
    autoCloseAfter: c.autoCloseAfter ?? null,
    ladder: c.ladder.map((s) => ({ name: s.name, when: s.when, deadline: s.deadline ?? null, approval: s.approval, actions: s.actions.map((a) => `${a.kind}${a.scope ? `:${a.scope}` : ''}`), price: s.price ?? null })),
  });
}

function steps(c: CategoryPolicy): string {
  return c.ladder.length ? c.ladder.map((s) => `${s.name}${s.deadline !== undefined ? ` (${String(s.deadline)})` : ''}`).join(' → ') : 'record only';
}

/**
 * What differs between two versions of the policy, category by category, in words a customer can
 * read: a reworded clause, a new severity, different handling (steps, deadlines, prices), or new
 * defaults. Pure: the versions are compared as the policy data holds them.
 */
export function policyChanges(previous: Policy, current: Policy): PolicyChange[] {
  const out: PolicyChange[] = [];
  for (const category of CATEGORIES) {
    const a = previous.categories[category];
    const b = current.categories[category];
    if (!a && !b) continue;
    if (!a || !b) {
      out.push({ category, kind: 'clause', summary: `${category}: ${a ? 'no longer listed' : 'newly listed'}` });
      continue;
    }
    if (a.section !== b.section) out.push({ category, kind: 'section', summary: `${category}: now under "${b.section}" (was "${a.section}")` });
    if (a.clause.trim() !== b.clause.trim()) out.push({ category, kind: 'clause', summary: `${category}: the clause of "${b.section}" was reworded` });
    if (a.severity !== b.severity) out.push({ category, kind: 'severity', summary: `${category}: severity ${a.severity} → ${b.severity}` });
    if (handling(a) !== handling(b)) out.push({ category, kind: 'handling', summary: `${category}: handling changed (${steps(a)} ⇒ ${steps(b)})` });
  }
  if (JSON.stringify(previous.defaults) !== JSON.stringify(current.defaults)) {
    out.push({ category: null, kind: 'defaults', summary: `general rules changed (reply pauses the clock: ${previous.defaults.onReply} → ${current.defaults.onReply}; longest pause ${String(previous.defaults.replyPauseMax)} → ${String(current.defaults.replyPauseMax)}; quiet cases close after ${String(previous.defaults.autoCloseAfter)} → ${String(current.defaults.autoCloseAfter)})` });
  }
  return out;
}
