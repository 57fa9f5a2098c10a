import type { ReactNode } from 'react';
import type { LaneConfig } from '../../../engine/train/config';
import { notify } from '../../shell/messages';

/** Checkboxes choosing lanes (at least one); `chosen` empty means all. */
export function LaneChooser({
  lanes,
  chosen,
  disabled,
  onChange,
  children,
}: {
  lanes: LaneConfig[];
  chosen: string[];
  disabled: boolean;
  onChange(ids: string[]): void;
  children?: ReactNode;
}) {
  const effective = chosen.length > 0 ? chosen.filter((id) => lanes.some((l) => l.id === id)) : lanes.map((l) => l.id);
  return (
    <div className="landscape-lanes">
      <span className="label" title="Lanes to compute; each gets its own result">
        lanes:
      </span>
      {lanes.map((lane) => (
        <label key={lane.id} title={`Include ${lane.name}`} className="lane-check">
          <input
            type="checkbox"
            checked={effective.includes(lane.id)}
            disabled={disabled}
            onChange={(e) => {
              const next = e.target.checked ? [...effective, lane.id] : effective.filter((id) => id !== lane.id);
              if (next.length === 0) notify('error', 'choose at least one lane');
              else onChange(next.length === lanes.length ? [] : next);
            }}
          />
          <span className="swatch-inline" style={{ background: lane.color }} />
          {lane.name}
        </label>
      ))}
      {children}
    </div>
  );
}
