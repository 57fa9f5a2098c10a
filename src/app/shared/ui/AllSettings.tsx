import type { ReactNode } from 'react';
import { setAllSettings, useView } from '../../shell/view';

/** Settings past the simple view: shown only with "all settings" on. */
export function Advanced({ children }: { children: ReactNode }) {
  const on = useView((s) => s.allSettings);
  return on ? <>{children}</> : null;
}

/** The switch between the simple view and all settings. */
export function AllSettingsToggle() {
  const on = useView((s) => s.allSettings);
  return (
    <label
      className="all-settings-toggle"
      title={
        on
          ? 'Every setting is shown: schedules, SOS, deformations, the loss, logging and test cadence, checkpoints, model details'
          : 'The simple view shows the settings that matter most; turn this on for schedules, SOS, deformations, ' +
            'the loss, logging and test cadence, checkpoints and model details'
      }
    >
      <input type="checkbox" checked={on} onChange={(e) => setAllSettings(e.target.checked)} data-testid="all-settings" />
      all settings
    </label>
  );
}
