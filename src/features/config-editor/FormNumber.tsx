import type { ReactNode } from 'react';
import { NumberField } from '../../components/NumberField';
import { inputBounds, type NumberSpec } from '../../formats/config-fields';
import { configFieldReverted } from '../../store/actions';
import { useAppStore } from '../../store/store';

/** A number field of the form, as its row of the field table describes it; its refused edits are shown under it. */
export function FormNumber({
  spec,
  field,
  value,
  onCommit,
  disabled,
  label = spec.label,
  hint = spec.hint,
}: {
  spec: NumberSpec;
  /** The field's name in messages and in the store's field errors. */
  field: string;
  value: number;
  onCommit: (value: number) => void;
  disabled?: boolean;
  label?: ReactNode;
  hint?: string;
}) {
  const error = useAppStore((state) => state.fieldErrors[field]);
  return (
    <NumberField
      label={label}
      value={value}
      {...inputBounds(spec)}
      error={error}
      onCommit={onCommit}
      onRevert={() => configFieldReverted(field)}
      disabled={disabled}
      hint={hint}
    />
  );
}
