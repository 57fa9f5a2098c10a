import { useEffect, useState } from 'react';
import { ToyLab } from './toy/ToyLab';
import { toyStep, toyTogglePlay } from './toy/store';
import { setUrlParam } from './shell/url';
import { ChartsPanel } from './training/ChartsPanel';
import { CurvaturePanel } from './curvature/CurvaturePanel';
import { DataPanel } from './training/DataPanel';
import { Header } from './shell/Header';
import { LanesPanel } from './training/LanesPanel';
import { LandscapePanel } from './landscape/LandscapePanel';
import { HessianPanel } from './hessian/HessianPanel';
import { AnalysesPanel } from './analyses/AnalysesPanel';
import { Messages } from './shell/Messages';
import { ModelPanel } from './training/ModelPanel';
import { ExportPanel } from './share/ExportPanel';
import { ShiftReportPanel } from './training/ShiftReportPanel';
import { DeviceLostPanel } from './shell/DeviceLostPanel';
import { useApp } from './training/store';
import { stepOnce, togglePlay } from './training/actions';
import { notify } from './shell/messages';
import { Intro } from './shell/Intro';
import { AllSettingsToggle } from './shared/ui/AllSettings';

function isTyping(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA', 'BUTTON'].includes(target.tagName));
}

type Tab = 'networks' | 'toy';

function initialTab(): Tab {
  const lab = new URLSearchParams(window.location.search).get('lab');
  if (lab !== null && lab !== 'toy' && lab !== 'networks') {
    queueMicrotask(() =>
      notify('error', `?lab=${lab} is not a lab: use ?lab=toy for the toy 2D lab (or leave it out); showing the networks`),
    );
  }
  return lab === 'toy' ? 'toy' : 'networks';
}

function useKeyboardShortcuts(tab: Tab): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
      if (tab === 'toy') {
        if (e.key === ' ') {
          e.preventDefault();
          toyTogglePlay();
        } else if (e.key === 'ArrowRight') {
          e.preventDefault();
          toyStep();
        }
        return;
      }
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
  }, [tab]);
}

function Tabs({ tab, onChange }: { tab: Tab; onChange(tab: Tab): void }) {
  const tabs: Array<{ id: Tab; label: string; help: string }> = [
    {
      id: 'networks',
      label: 'Networks',
      help: 'Train MLPs and CNNs on real data with optimizer lanes side by side; landscapes and Hessians',
    },
    { id: 'toy', label: 'Toy 2D lab', help: 'Optimizers and deformation functions on 2D surfaces you can see' },
  ];
  return (
    <nav className="tabs" role="tablist" aria-label="Views">
      {tabs.map((t) => (
        <button
          key={t.id}
          type="button"
          role="tab"
          aria-selected={tab === t.id}
          className={tab === t.id ? 'tab active' : 'tab'}
          title={t.help}
          data-testid={`tab-${t.id}`}
          onClick={() => onChange(t.id)}
        >
          {t.label}
        </button>
      ))}
      <Intro tab={tab} />
    </nav>
  );
}

export function App() {
  const [tab, setTab] = useState<Tab>(initialTab);
  useKeyboardShortcuts(tab);
  const phase = useApp((s) => s.phase);
  const choose = (next: Tab) => {
    setTab(next);
    setUrlParam('lab', next === 'toy' ? 'toy' : null);
  };
  return (
    <div className="app" data-phase={phase} data-tab={tab}>
      <Header />
      <Messages />
      <DeviceLostPanel />
      <ShiftReportPanel />
      <Tabs tab={tab} onChange={choose} />
      {tab === 'toy' ? (
        <ToyLab />
      ) : (
        <>
          <main className="columns">
            <div className="column column-setup">
              <AllSettingsToggle />
              <DataPanel />
              <ModelPanel />
              <ExportPanel />
            </div>
            <div className="column column-lanes">
              <LanesPanel />
            </div>
            <div className="column column-charts">
              <CurvaturePanel />
              <ChartsPanel />
              <LandscapePanel />
              <HessianPanel />
            </div>
          </main>
          <section className="wide-row" aria-label="Analyses across lanes">
            <AnalysesPanel />
          </section>
        </>
      )}
      <footer className="footer">
        Keys: Space play/pause · → one step · every control explains itself on hover. Data stays in your browser.
      </footer>
    </div>
  );
}
