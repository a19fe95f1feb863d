/** An invoice line as it leaves AbuseDesk (CLI export, API, billing webhook): a public contract. */
export interface InvoiceLineOut {
  id: number;
  createdAt: string;
  customer: string;
  caseId: number | null;
  actionId: number | null;
  kind: string;
  description: string;
  quantity: number;
  unit: string;
  unitPrice: string;
  amount: string;
  amountCents: number;
  currency: string;
  periodStart: string | null;
  periodEnd: string | null;
}

export const CSV_COLUMNS: (keyof InvoiceLineOut)[] = [
  'id',
  'createdAt',
  'customer',
  'caseId',
  'actionId',
  'kind',
  'description',
  'quantity',
  'unit',
  'unitPrice',
  'amount',
  'currency',
  'periodStart',
  'periodEnd',
];

/** Cents as a plain decimal ("1250" -> "12.50"): what accounting imports, no locale. */
export function centsToDecimal(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(Math.round(cents));
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** RFC 4180 field; a leading = + - @ is defused so a spreadsheet never runs a description as a formula. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(lines: InvoiceLineOut[]): string {
  const rows = [CSV_COLUMNS.join(',')];
  for (const l of lines) rows.push(CSV_COLUMNS.map((c) => csvField(l[c])).join(','));
  return rows.join('\r\n') + '\r\n';
}

export function toJson(lines: InvoiceLineOut[]): string {
  return JSON.stringify(lines, null, 2) + '\n';
}
