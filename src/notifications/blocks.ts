/**
 * A notice is written once as blocks and rendered twice: plain text (the part every client shows)
 * and a simple HTML alternative with the same words.
 */
export type Block = { p: string } | { quote: string; cite?: string } | { list: string[] } | { pre: string };

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

const WIDTH = 76;

export function renderText(blocks: Block[]): string {
  const out: string[] = [];
  for (const b of blocks) {
    if ('p' in b) out.push(wrap(b.p, WIDTH));
    else if ('quote' in b) out.push(wrap(b.quote, WIDTH - 2).split('\n').map((l) => `> ${l}`).join('\n') + (b.cite ? `\n  (${b.cite})` : ''));
    else if ('list' in b) out.push(b.list.map((item) => wrap(item, WIDTH - 2).split('\n').map((l, i) => (i === 0 ? `- ${l}` : `  ${l}`)).join('\n')).join('\n'));
    else out.push(b.pre);
  }
  return out.join('\n\n') + '\n';
}

export function renderHtml(subject: string, blocks: Block[]): string {
  const body = blocks
    .map((b) => {
      if ('p' in b) return `<p>${escapeHtml(b.p).replace(/\n/g, '<br>')}</p>`;
      if ('quote' in b) return `<blockquote>${escapeHtml(b.quote)}${b.cite ? `<br><small>${escapeHtml(b.cite)}</small>` : ''}</blockquote>`;
      if ('list' in b) return `<ul>${b.list.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`;
      return `<pre>${escapeHtml(b.pre)}</pre>`;
    })
    .join('\n');
  return `<!doctype html>\n<html><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body>\n${body}\n</body></html>\n`;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Greedy word wrap that keeps existing line breaks and never splits a word (URLs stay whole). */
export function wrap(text: string, width: number): string {
  return text
    .split('\n')
    .map((line) => {
      const words = line.split(/ +/);
      const lines: string[] = [];
      let cur = '';
      for (const w of words) {
        if (cur && cur.length + 1 + w.length > width) {
          lines.push(cur);
          cur = w;
        } else cur = cur ? `${cur} ${w}` : w;
      }
      lines.push(cur);
      return lines.join('\n');
    })
    .join('\n');
}
