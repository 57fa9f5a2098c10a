import { useEffect } from 'react';
import { ChartsPanel } from './components/ChartsPanel';
import { DataPanel } from './components/DataPanel';
import { Header } from './components/Header';
import { LanesPanel } from './components/LanesPanel';
import { LandscapePanel } from './components/LandscapePanel';
import { HessianPanel } from './components/HessianPanel';
import { Messages } from './components/Messages';
import { ModelPanel } from './components/ModelPanel';
import { ShiftReportPanel } from './components/ShiftReportPanel';
import { stepOnce, togglePlay, useApp } from './store';

function isTyping(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA', 'BUTTON'].includes(target.tagName));
}

function useKeyboardShortcuts(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
      const ready = useApp.getState().phase === 'ready';
      if (e.key === ' ' && ready) {
        e.preventDefault();
        void togglePlay();
      } else if (e.key === 'ArrowRight' && ready && !useApp.getState().status.playing) {
        e.preventDefault();
        void stepOnce();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

export function App() {
  useKeyboardShortcuts();
  const phase = useApp((s) => s.phase);
  return (
    <div className="app" data-phase={phase}>
      <Header />
      <Messages />
      <ShiftReportPanel />
      <main className="columns">
        <div className="column column-setup">
          <DataPanel />
          <ModelPanel />
        </div>
        <div className="column column-lanes">
          <LanesPanel />
        </div>
        <div className="column column-charts">
          <ChartsPanel />
          <LandscapePanel />
          <HessianPanel />
        </div>
      </main>
      <footer className="footer">
        Keys: Space play/pause · → one step · every control explains itself on hover. Data stays in your browser.
      </footer>
    </div>
  );
}
