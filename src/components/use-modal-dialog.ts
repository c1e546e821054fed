import { useEffect, useRef } from 'react';

/**
 * A ref for a <dialog> that is shown as a modal while `open`: the browser then keeps the focus
 * inside it and Escape closes it (its `close` event). Closing it, not just removing it, hands
 * the focus back to whatever opened it.
 */
export function useModalDialog(open: boolean) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (!open || !element) return;
    element.showModal();
    return () => element.close();
  }, [open]);
  return dialog;
}
