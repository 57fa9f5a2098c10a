import { isBooleanParam, isChoiceParam, rangeText, type ParamControl } from '../../../engine/optim/controls';
import { CheckboxField, NumberField, SelectField } from './controls';

/** Renders a method's settings from its controls (ranges, defaults, one-line help). */
export function ParamControls({
  controls,
  values,
  disabled,
  disabledReason,
  onChange,
}: {
  controls: readonly ParamControl[];
  values: Record<string, unknown>;
  disabled: boolean;
  disabledReason: string;
  onChange(key: string, value: number | boolean | string): void;
}) {
  if (controls.length === 0) return null;
  return (
    <div className="row">
      {controls.map((control) => {
        if (isBooleanParam(control)) {
          return (
            <CheckboxField
              key={control.key}
              label={control.label}
              help={control.help}
              checked={Boolean(values[control.key])}
              disabled={disabled}
              disabledReason={disabledReason}
              onChange={(v) => onChange(control.key, v)}
            />
          );
        }
        if (isChoiceParam(control)) {
          return (
            <SelectField
              key={control.key}
              label={control.label}
              help={control.help}
              value={String(values[control.key])}
              disabled={disabled}
              disabledReason={disabledReason}
              options={control.choices.map((c) => ({ value: c.value, label: c.label, title: c.help }))}
              onChange={(v) => onChange(control.key, v)}
            />
          );
        }
        return (
          <NumberField
            key={control.key}
            label={control.label}
            help={`${control.help} Allowed: ${rangeText(control)}.`}
            value={Number(values[control.key])}
            min={control.min}
            max={control.max}
            exclusiveMin={control.exclusiveMin}
            integer={control.integer}
            step={control.step}
            disabled={disabled}
            disabledReason={disabledReason}
            onCommit={(v) => onChange(control.key, v)}
          />
        );
      })}
    </div>
  );
}
