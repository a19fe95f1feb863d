import { z } from 'zod';
import { CATEGORIES, type Category, isCategory } from '../domain/categories.js';
import { canonicalIp } from '../domain/ip.js';

const HOSTNAME = /^(?=.{1,253}$)(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}\.?$/i;

/** Empty form fields arrive as '': they mean "not given". */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v), schema.optional());

/**
 * The fields of a report given field by field, shared by the public form and the JSON API: the
 * policy asks for the domain, e-mail address, website and/or IP address and a description.
 */
export const reportFields = z
  .object({
    reporterName: optional(z.string().max(200)).describe('who reports'),
    reporterEmail: optional(z.email().max(320)).describe('where the acknowledgement and questions go'),
    ip: optional(z.string().max(64).refine((v) => canonicalIp(v) !== null, 'not an IPv4 or IPv6 address')).describe('the reported IP address'),
    domain: optional(z.string().max(253).regex(HOSTNAME, 'not a domain name')).describe('the reported domain name'),
    url: optional(
      z
        .string()
        .max(2048)
        .refine((v) => {
          try {
            return !!new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(v) ? v : `http://${v}`).hostname;
          } catch {
            return false;
          }
        }, 'not a web address'),
    ).describe('the reported website (URL)'),
    email: optional(z.email().max(320)).describe('the reported e-mail address'),
    // A refinement, not z.enum: an enum failure aborts its branch of the API's body union, and the
    // caller would read a bare "Invalid input" instead of this field and the ids it may take.
    category: optional(
      z
        .string()
        .refine(isCategory, `not a category id; one of: ${CATEGORIES.join(', ')}`)
        .transform((v) => v as Category)
        .meta({ enum: [...CATEGORIES] }),
    ).describe('the AUP category, if the reporter knows it'),
    description: optional(z.string().max(20_000)).describe('what happened, in the reporter’s words'),
    occurredAt: optional(z.iso.datetime({ offset: true })).describe('when it happened (ISO-8601); default now'),
  })
  .strict()
  .refine((r) => r.ip || r.domain || r.url || r.email, { message: 'name at least one of: ip, domain, url, email' });

export type ReportFields = z.infer<typeof reportFields>;
