import { useApp } from '../training/store';

/** Lane id → lane name. */
export function laneNames(): Record<string, string> {
  return Object.fromEntries(useApp.getState().config.lanes.map((l) => [l.id, l.name]));
}

/** A name fit for a file: letters, digits, _ and - only. */
export const safeName = (text: string, max = 40): string =>
  text
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, max) || 'lane';
