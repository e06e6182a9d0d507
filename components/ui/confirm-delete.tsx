'use client';

import { Button } from '@/components/ui/button';

/**
 * Delete (or Remove) for one row, asked twice: the first click shows the red confirm
 * button and Cancel in its place. The parent holds which row is asking, so only one
 * row asks at a time.
 */
export function ConfirmDelete({
  asking,
  onAsk,
  onCancel,
  onConfirm,
  pending,
  askLabel,
  label = 'Delete',
  confirmLabel = `Confirm ${label.toLowerCase()}`,
  warning,
  askVariant = 'ghost',
  askClassName = '',
}: {
  asking: boolean;
  onAsk: () => void;
  onCancel: () => void;
  onConfirm: () => void;
  pending: boolean;
  /** The accessible name of the first button, naming the row ("Delete rule Managers"). */
  askLabel: string;
  label?: string;
  confirmLabel?: string;
  /** Shown next to the confirm button: what the deletion means. */
  warning?: string;
  askVariant?: 'ghost' | 'secondary';
  askClassName?: string;
}) {
  if (!asking) {
    return (
      <Button variant={askVariant} className={`py-1 ${askClassName}`} aria-label={askLabel} onClick={onAsk}>
        {label}
      </Button>
    );
  }
  return (
    <span className="inline-flex items-center gap-2">
      {warning ? <span className="text-xs text-ink-muted">{warning}</span> : null}
      <Button className="bg-red-600 py-1 hover:bg-red-700" disabled={pending} onClick={onConfirm}>
        {confirmLabel}
      </Button>
      <Button variant="ghost" className="py-1" onClick={onCancel}>
        Cancel
      </Button>
    </span>
  );
}
