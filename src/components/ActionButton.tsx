import type { ButtonHTMLAttributes, Ref } from 'react';

interface ActionButtonProps extends Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'disabled'> {
  /** Shown as unavailable and does nothing when pressed, but stays focusable. */
  unavailable: boolean;
  ref?: Ref<HTMLButtonElement>;
}

/**
 * A button that is unavailable through `aria-disabled` rather than `disabled`: a natively
 * disabled button that holds the focus throws it to the page body, so a keyboard user who
 * pressed Train or Pause would find themselves back at the top of the page.
 */
export function ActionButton({ unavailable, onClick, ref, ...rest }: ActionButtonProps) {
  return (
    <button
      {...rest}
      ref={ref}
      type="button"
      aria-disabled={unavailable}
      onClick={(event) => {
        if (!unavailable) onClick?.(event);
      }}
    />
  );
}
