import { useId, type ReactNode } from 'react';

interface SelectFieldProps<T extends string> {
  /** Its text is the select's accessible name. */
  label: ReactNode;
  value: T;
  options: readonly { value: T; label: string }[];
  onChange: (value: T) => void;
  disabled?: boolean;
  hint?: string;
  /** Why the last choice was refused; shown under the select, which is marked invalid. */
  error?: string;
  /** Spans every column of a field grid: for options whose words are longer than a narrow column. */
  wide?: boolean;
}

export function SelectField<T extends string>({ label, value, options, onChange, disabled, hint, error, wide }: SelectFieldProps<T>) {
  const id = useId();
  const describedBy = [error ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(' ');
  return (
    <div className={wide ? 'field field-wide' : 'field'}>
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        value={value}
        disabled={disabled}
        aria-invalid={error !== undefined}
        aria-describedby={describedBy || undefined}
        onChange={(event) => onChange(event.target.value as T)}
      >
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      {error && (
        <small id={`${id}-error`} className="field-error" role="alert">
          {error}
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
