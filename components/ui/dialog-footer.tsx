import { Button } from '@/components/ui/button';

/** The foot of a form in a dialog: the form-level error, Cancel (closes the dialog) and Save. */
export function DialogFooter({ error, onCancel, saving }: { error: string | null; onCancel: () => void; saving: boolean }) {
  return (
    <>
      {error ? (
        <p role="alert" className="text-sm text-red-700">
          {error}
        </p>
      ) : null}
      <div className="flex justify-end gap-2">
        <Button type="button" variant="ghost" onClick={onCancel}>
          Cancel
        </Button>
        <Button type="submit" disabled={saving}>
          Save
        </Button>
      </div>
    </>
  );
}
