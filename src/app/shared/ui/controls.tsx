import { useEffect, useId, useState, type ReactNode } from 'react';

/** A label whose hover text explains the control (and is read by screen readers). */
export function Label({ htmlFor, text, help }: { htmlFor: string; text: string; help: string }) {
  return (
    <label htmlFor={htmlFor} title={help} className="label">
      {text}
    </label>
  );
}

function formatNumber(value: number): string {
  if (value === 0) return '0';
  const abs = Math.abs(value);
  return abs < 1e-3 || abs >= 1e6 ? value.toExponential() : String(Number(value.toPrecision(6)));
}

export interface NumberFieldProps {
  label: string;
  help: string;
  value: number;
  min: number;
  max: number;
  step?: number;
  integer?: boolean;
  /** The minimum itself is not allowed, e.g. (0, 1]. */
  exclusiveMin?: boolean;
  disabled?: boolean;
  disabledReason?: string;
  onCommit(value: number): void;
}

/**
 * A number input that commits on Enter or blur. Out-of-range or malformed text is not clamped:
 * the field says what is wrong and keeps the last good value until the text is fixed.
 */
export function NumberField({
  label,
  help,
  value,
  min,
  max,
  step,
  integer,
  exclusiveMin,
  disabled,
  disabledReason,
  onCommit,
}: NumberFieldProps) {
  const id = useId();
  const [text, setText] = useState(formatNumber(value));
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setText(formatNumber(value));
    setError(null);
  }, [value]);
  // A refused value stays in the field, marked invalid, and the message says which value is in use.
  const inUse = ` — still using ${formatNumber(value)} (Esc puts it back)`;
  const commit = () => {
    const trimmed = text.trim();
    const parsed = Number(trimmed);
    if (trimmed === '' || !Number.isFinite(parsed)) return setError(`${label}: "${trimmed}" is not a number${inUse}`);
    if (integer && !Number.isInteger(parsed)) return setError(`${label} must be a whole number${inUse}`);
    if (parsed < min || parsed > max || (exclusiveMin && parsed === min)) {
      return setError(`${label} must be in ${exclusiveMin ? '(' : '['}${formatNumber(min)}, ${formatNumber(max)}]${inUse}`);
    }
    setError(null);
    if (parsed !== value) onCommit(parsed);
  };
  return (
    <div className="field">
      <Label htmlFor={id} text={label} help={help} />
      <input
        id={id}
        type="text"
        inputMode="decimal"
        value={text}
        step={step}
        disabled={disabled}
        title={disabled ? disabledReason : help}
        aria-invalid={error !== null}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
          if (e.key === 'Escape') {
            setText(formatNumber(value));
            setError(null);
          }
        }}
      />
      {error && (
        <div id={`${id}-error`} className="field-error" role="alert">
          {error}
        </div>
      )}
    </div>
  );
}

export interface SelectFieldProps<T extends string> {
  label: string;
  help: string;
  value: T;
  options: Array<{ value: T; label: string; title?: string }>;
  disabled?: boolean;
  disabledReason?: string;
  onChange(value: T): void;
  testId?: string;
}

export function SelectField<T extends string>({
  label,
  help,
  value,
  options,
  disabled,
  disabledReason,
  onChange,
  testId,
}: SelectFieldProps<T>) {
  const id = useId();
  return (
    <div className="field">
      <Label htmlFor={id} text={label} help={help} />
      <select
        id={id}
        value={value}
        disabled={disabled}
        title={disabled ? disabledReason : help}
        data-testid={testId}
        onChange={(e) => onChange(e.target.value as T)}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value} title={o.title}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

export function CheckboxField({
  label,
  help,
  checked,
  disabled,
  disabledReason,
  onChange,
}: {
  label: string;
  help: string;
  checked: boolean;
  disabled?: boolean;
  disabledReason?: string;
  onChange(v: boolean): void;
}) {
  const id = useId();
  return (
    <div className="field field-inline">
      <input
        id={id}
        type="checkbox"
        checked={checked}
        disabled={disabled}
        title={disabled ? disabledReason : help}
        onChange={(e) => onChange(e.target.checked)}
      />
      <Label htmlFor={id} text={label} help={help} />
    </div>
  );
}

export function TextField({
  label,
  help,
  value,
  disabled,
  disabledReason,
  parse,
  onCommit,
  placeholder,
}: {
  label: string;
  help: string;
  value: string;
  disabled?: boolean;
  disabledReason?: string;
  placeholder?: string;
  /** Returns an error message, or null when the text is acceptable. */
  parse(text: string): string | null;
  onCommit(text: string): void;
}) {
  const id = useId();
  const [text, setText] = useState(value);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setText(value);
    setError(null);
  }, [value]);
  const commit = () => {
    const problem = parse(text);
    setError(problem);
    if (!problem && text !== value) onCommit(text);
  };
  return (
    <div className="field">
      <Label htmlFor={id} text={label} help={help} />
      <input
        id={id}
        type="text"
        value={text}
        placeholder={placeholder}
        disabled={disabled}
        title={disabled ? disabledReason : help}
        aria-invalid={error !== null}
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => e.key === 'Enter' && commit()}
      />
      {error && (
        <div className="field-error" role="alert">
          {error}
        </div>
      )}
    </div>
  );
}

export function Panel({ title, help, children, className }: { title: string; help?: string; children: ReactNode; className?: string }) {
  return (
    <section className={`panel ${className ?? ''}`} aria-label={title}>
      <h2 title={help}>{title}</h2>
      {children}
    </section>
  );
}
