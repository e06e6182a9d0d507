import type { UseFormRegisterReturn } from 'react-hook-form';

type Props = {
  /** Prefix of the inputs' ids, unique on the page. */
  idPrefix: string;
  /** What trips it, e.g. "Pause when a run" (Azure AD) or "Hold when 10 minutes of pushes" (SCIM). */
  when: string;
  percent: UseFormRegisterReturn<'guardPercent'>;
  minimum: UseFormRegisterReturn<'guardMinimum'>;
  errors: { guardPercent?: string; guardMinimum?: string };
};

/** The mass-deactivation guard's two thresholds, worded the same for Azure AD connections and SCIM directories. */
export function GuardFields({ idPrefix, when, percent, minimum, errors }: Props) {
  return (
    <>
      <GuardInput id={`${idPrefix}-guardPercent`} label={`${when} would deactivate more than (%)`} field={percent} error={errors.guardPercent} max={100} />
      <GuardInput id={`${idPrefix}-guardMinimum`} label="…and at least (people)" field={minimum} error={errors.guardMinimum} max={100_000} />
    </>
  );
}

function GuardInput({ id, label, field, error, max }: { id: string; label: string; field: UseFormRegisterReturn; error?: string; max: number }) {
  return (
    <div>
      <label htmlFor={id} className="mb-1 block text-sm font-medium text-ink">
        {label}
      </label>
      <input
        id={id}
        type="number"
        min={1}
        max={max}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        className={`block w-full rounded-md border bg-white px-3 py-2 text-sm shadow-sm ${error ? 'border-red-400' : 'border-slate-300'}`}
        {...field}
      />
      {error ? (
        <p id={`${id}-error`} className="mt-1 text-sm text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}
