/** The one-line "what you are looking at" strip beside the tabs; dismissed once, it stays away (localStorage). */
import { useState } from 'react';

const KEY = 'fmp.intro.dismissed';

function dismissed(): boolean {
  try {
    return window.localStorage.getItem(KEY) === '1';
  } catch {
    return false;
  }
}

export function Intro({ tab }: { tab: 'networks' | 'toy' }) {
  const [hidden, setHidden] = useState(dismissed);
  if (hidden) return null;
  const text =
    tab === 'networks'
      ? 'What you are looking at: every lane trains the same network from the same start; SAM and NSO look for flat minima. ' +
        'Press play and watch λmax at the top right: lower is flatter.'
      : 'What you are looking at: optimizers on a 2D surface you can see; toggle a deformation and watch the path change.';
  return (
    <p className="intro-strip" data-testid="intro-strip" role="note">
      {text}
      <button
        type="button"
        className="intro-close"
        aria-label="Dismiss this explanation"
        title="Dismiss (it stays away in this browser)"
        onClick={() => {
          try {
            window.localStorage.setItem(KEY, '1');
          } catch {
            // private mode: dismissed for this page only
          }
          setHidden(true);
        }}
      >
        ×
      </button>
    </p>
  );
}
