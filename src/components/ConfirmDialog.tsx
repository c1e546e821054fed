import { useId } from 'react';
import { useModalDialog } from './use-modal-dialog';

interface ConfirmDialogProps {
  open: boolean;
  title: string;
  message: string;
  confirmLabel: string;
  cancelLabel: string;
  onConfirm(): void;
  /** Also called by Escape. */
  onCancel(): void;
}

/**
 * Asks before an action that throws work away. A native modal dialog: it keeps the focus
 * inside, Escape cancels, and closing it hands the focus back to the button that opened it.
 * The safe choice has the focus first.
 */
export function ConfirmDialog({ open, title, message, confirmLabel, cancelLabel, onConfirm, onCancel }: ConfirmDialogProps) {
  const dialog = useModalDialog(open);
  const id = useId();
  if (!open) return null;
  return (
    <dialog ref={dialog} className="confirm-dialog" aria-labelledby={`${id}-title`} aria-describedby={`${id}-message`} onClose={onCancel}>
      <h3 id={`${id}-title`}>{title}</h3>
      <p id={`${id}-message`}>{message}</p>
      <div className="confirm-actions">
        <button type="button" className="secondary" autoFocus onClick={onCancel}>
          {cancelLabel}
        </button>
        <button type="button" className="danger" onClick={onConfirm}>
          {confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
