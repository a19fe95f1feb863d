/** An amount in cents as the reader writes money ("€ 25,00", "€25.00"). */
export function formatMoney(locale: string, cents: number, currency: string): string {
  return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(cents / 100);
}
