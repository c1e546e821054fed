// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useModalDialog } from './use-modal-dialog';

// Rendered only while open, as ConfirmDialog and CellImages do.
function Dialog({ open, label }: { open: boolean; label: string }) {
  const dialog = useModalDialog(open);
  if (!open) return null;
  return <dialog ref={dialog} aria-label="Question">{label}</dialog>;
}

// jsdom has <dialog> but not its methods; these change `open` as a browser's do, and count calls.
const showModal = vi.fn(function (this: HTMLDialogElement) {
  this.open = true;
});
const close = vi.fn(function (this: HTMLDialogElement) {
  this.open = false;
});

beforeEach(() => {
  HTMLDialogElement.prototype.showModal = showModal;
  HTMLDialogElement.prototype.close = close;
});

afterEach(() => {
  cleanup();
  vi.clearAllMocks();
});

describe('useModalDialog', () => {
  it('shows the dialog as a modal when open becomes true, once however often it renders', () => {
    const { rerender } = render(<Dialog open={false} label="a" />);
    expect(showModal).not.toHaveBeenCalled();
    rerender(<Dialog open label="a" />);
    rerender(<Dialog open label="b" />);
    expect(showModal).toHaveBeenCalledTimes(1);
    expect(showModal.mock.contexts[0]).toBe(screen.getByRole('dialog', { hidden: true }));
    expect(close).not.toHaveBeenCalled();
  });

  it('closes the dialog (so the focus goes back) when open becomes false, and when unmounted', () => {
    const { rerender, unmount } = render(<Dialog open label="a" />);
    const first = screen.getByRole('dialog', { hidden: true }) as HTMLDialogElement;
    expect(first.open).toBe(true);
    rerender(<Dialog open={false} label="a" />);
    expect(close).toHaveBeenCalledTimes(1);
    expect(first.open).toBe(false);

    rerender(<Dialog open label="a" />);
    const second = screen.getByRole('dialog', { hidden: true }) as HTMLDialogElement;
    expect(second.open).toBe(true);
    unmount();
    expect(close).toHaveBeenCalledTimes(2);
    expect(second.open).toBe(false);
  });
});
