import { useId, useState, type ReactNode } from 'react';

interface NumberFieldProps {
  /** Its text is the input's accessible name. */
  label: ReactNode;
  value: number;
  /** Every number typed, valid or not: whoever owns the value checks it and says what is wrong. */
  onCommit: (value: number) => void;
  /** The field lost focus and shows `value` again, dropping whatever was typed. */
  onRevert?: () => void;
  /** Why the last number typed was refused; shown under the field, which is marked invalid. */
  error?: string;
  min?: number;
  max?: number;
  step?: number | 'any';
  disabled?: boolean;
  hint?: string;
}

/**
 * A number input that lets the user type freely ("0.", "1e-") and commits every number
 * typed; while it has focus it shows what was typed, afterwards the committed value.
 */
export function NumberField({ label, value, onCommit, onRevert, error, min, max, step = 'any', disabled, hint }: NumberFieldProps) {
  const id = useId();
  const [draft, setDraft] = useState<string | null>(null);
  const notANumber = draft !== null && parseNumber(draft) === null;
  const problem = notANumber ? 'Enter a number.' : error;
  const describedBy = [problem ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(' ');
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="number"
        inputMode={step === 1 ? 'numeric' : 'decimal'}
        value={draft ?? String(value)}
        min={min}
        max={max}
        step={step}
        disabled={disabled}
        aria-invalid={problem !== undefined}
        aria-describedby={describedBy || undefined}
        onChange={(event) => {
          setDraft(event.target.value);
          const number = parseNumber(event.target.value);
          if (number !== null) onCommit(number);
        }}
        onBlur={() => {
          setDraft(null);
          if (problem !== undefined) onRevert?.();
        }}
      />
      {problem && (
        <small id={`${id}-error`} className="field-error" role="alert">
          {problem}
        </small>
      )}
      {hint && (
        <small id={`${id}-hint`} className="field-hint">
          {hint}
        </small>
      )}
    </div>
  );
}

function parseNumber(text: string): number | null {
  if (text.trim() === '') return null;
  const number = Number(text);
  return Number.isFinite(number) ? number : null;
}
