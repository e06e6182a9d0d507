import type { z } from 'zod';

/** The first message per top-level field, as forms show them next to the field. */
export function fieldErrorsOf(error: z.ZodError): Record<string, string> {
  const fieldErrors: Record<string, string> = {};
  for (const issue of error.issues) fieldErrors[String(issue.path[0] ?? 'form')] ??= issue.message;
  return fieldErrors;
}

/** A refused input: a sentence for the form and one message per field. */
export function invalidInput(error: z.ZodError): { ok: false; error: string; fieldErrors: Record<string, string> } {
  return { ok: false, error: 'Check the highlighted fields.', fieldErrors: fieldErrorsOf(error) };
}
