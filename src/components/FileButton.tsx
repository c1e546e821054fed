interface FileButtonProps {
  label: string;
  accept: string;
  disabled?: boolean;
  onFile(file: File): void;
}

/**
 * A file picker that looks and works like the buttons beside it: the input sits inside its
 * label, out of sight, so the label names it, a click or Enter opens the chooser, and its
 * focus shows on the label. The input is cleared after each choice, so choosing the same
 * file again reads it again.
 */
export function FileButton({ label, accept, disabled = false, onFile }: FileButtonProps) {
  return (
    <label className="button file-button" aria-disabled={disabled}>
      {label}
      <input
        type="file"
        className="visually-hidden"
        accept={accept}
        disabled={disabled}
        onChange={(event) => {
          const input = event.currentTarget;
          const file = input.files?.[0];
          input.value = '';
          if (file) onFile(file);
        }}
      />
    </label>
  );
}
