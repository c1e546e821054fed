import { useId, useState, type ReactNode } from 'react';

interface NumberFieldProps {
  /** Its text is the input's accessible name. */
  label: ReactNode;
  value: number;
  onCommit: (value: number) => void;
  min?: number;
  max?: number;
  step?: number | 'any';
  integer?: boolean;
  disabled?: boolean;
  hint?: string;
}

/**
 * A number input that lets the user type freely ("0.", "1e-") and commits only numbers;
 * while it has focus it shows what was typed, afterwards the committed value.
 */
export function NumberField({ label, value, onCommit, min, max, step = 'any', integer, disabled, hint }: NumberFieldProps) {
  const id = useId();
  const [draft, setDraft] = useState<string | null>(null);
  const parsed = draft === null ? value : parseNumber(draft, integer);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="number"
        inputMode={integer ? 'numeric' : 'decimal'}
        value={draft ?? String(value)}
        min={min}
        max={max}
        step={step}
        disabled={disabled}
        aria-invalid={parsed === null}
        aria-describedby={hint ? `${id}-hint` : undefined}
        onChange={(event) => {
          setDraft(event.target.value);
          const number = parseNumber(event.target.value, integer);
          if (number !== null && number !== value) onCommit(number);
        }}
        onBlur={() => setDraft(null)}
      />
      {hint && (
        <small id={`${id}-hint`} className="field-hint">
          {hint}
        </small>
      )}
    </div>
  );
}

function parseNumber(text: string, integer: boolean | undefined): number | null {
  if (text.trim() === '') return null;
  const number = Number(text);
  if (!Number.isFinite(number)) return null;
  if (integer && !Number.isInteger(number)) return null;
  return number;
}
