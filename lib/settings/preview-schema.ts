import { z } from 'zod';
import type { ChangeRow } from '@/lib/audit/labels';

// The login preview form: what an IdP would send, typed or pasted by an admin.

const lines = z.string().max(5000).transform((v) => v.split(/\r?\n/).map((l) => l.trim()).filter(Boolean));

export const previewSchema = z.object({
  source: z.enum(['sso', 'kaseyaone']),
  email: z.string().trim().max(320),
  firstName: z.string().trim().max(200),
  lastName: z.string().trim().max(200),
  groups: lines,
  domain: z.string().trim().max(253),
  products: z.string().max(2000),
  partnerOrgId: z.string().trim().max(200),
  /** Extra assertion attributes, one "name: value" per line (repeat a name for several values). */
  attributes: z
    .string()
    .max(20000)
    .superRefine((v, ctx) => {
      v.split(/\r?\n/).forEach((line, i) => {
        if (line.trim() && !line.includes(':')) ctx.addIssue({ code: 'custom', message: `Line ${i + 1} needs the form "name: value".` });
      });
    }),
});
export type PreviewInput = z.input<typeof previewSchema>;

/** "name: value" lines → attributes (repeated names become lists). Splits at the first ": " or ":" after the name, so claim URIs keep their colons. */
export function parseAttributeLines(text: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line) continue;
    const sep = line.indexOf(': ') >= 0 ? line.indexOf(': ') : line.lastIndexOf(':');
    const name = line.slice(0, sep).trim();
    const value = line.slice(sep + 1).trim();
    if (!name) continue;
    const prev = out[name];
    out[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

/** What the preview shows: the decision, in words an admin reads. */
export type PreviewOutcome = {
  outcome: 'allow' | 'deny';
  action: 'create' | 'update' | 'none' | null;
  reason: string | null;
  reasonTitle: string | null;
  detail: string | null;
  rule: string | null;
  changes: ChangeRow[];
  warnings: string[];
  /** The groups the login carries (and would store), each marked when the matched rule names it. */
  groups: { name: string; matched: boolean }[];
  /** The matched rule covers any group, so no one group decided. */
  ruleAnyGroup: boolean;
};
