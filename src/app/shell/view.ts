import { create } from 'zustand';

const KEY = 'fmp.view.all';

function stored(): boolean {
  try {
    return localStorage.getItem(KEY) === '1';
  } catch {
    return false;
  }
}

/** Simple view (the controls that matter) or all settings; remembered in this browser. */
export const useView = create<{ allSettings: boolean }>(() => ({ allSettings: stored() }));

export function setAllSettings(on: boolean): void {
  useView.setState({ allSettings: on });
  try {
    localStorage.setItem(KEY, on ? '1' : '0');
  } catch {
    // Private mode without storage: the choice lasts for this page.
  }
}
