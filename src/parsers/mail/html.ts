const ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', copy: '©', reg: '®', hellip: '…',
  ndash: '–', mdash: '—', laquo: '«', raquo: '»', euro: '€', auml: 'ä', ouml: 'ö', uuml: 'ü',
  Auml: 'Ä', Ouml: 'Ö', Uuml: 'Ü', szlig: 'ß', eacute: 'é', egrave: 'è', agrave: 'à', ccedil: 'ç',
};

/** Decode HTML character references; unknown named ones are kept. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,8});/gi, (m, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code < 0x110000 ? String.fromCodePoint(code) : m;
    }
    return ENTITIES[ref] ?? ENTITIES[ref.toLowerCase()] ?? m;
  });
}

/**
 * HTML -> readable text in linear time. Scripts, styles and comments are dropped (never run,
 * never shown); link targets are kept beside their text because reports put evidence in hrefs.
 */
export function htmlToText(html: string): string {
  let s = html.length > 4_000_000 ? html.slice(0, 4_000_000) : html;
  s = s.replace(/<!--[\s\S]*?-->/g, ' ');
  s = s.replace(/<(script|style|head|title)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, ' ');
  s = s.replace(/<a\b[^>]*?\bhref\s*=\s*["']?([^"'\s>]+)["']?[^>]*>/gi, ' $1 ');
  s = s.replace(/<(br|\/p|\/div|\/tr|\/li|\/h\d|\/table|p|div|tr|li)\b[^>]*>/gi, '\n');
  s = s.replace(/<\/t[dh]\s*>/gi, ' \t ');
  s = s.replace(/<[^>]{0,2000}>/g, ' ');
  s = decodeEntities(s);
  return s
    .replace(/[ \t\u00a0]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
