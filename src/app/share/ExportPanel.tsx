import { useRef } from 'react';
import { copyShareLink, openExperimentFile, saveExperimentFile } from './experimentActions';
import { downloadMetrics, downloadReport } from './reportActions';
import { useApp } from '../training/store';
import { Panel } from '../shared/ui/controls';

/** Share the setup as a link or a file; download metrics and a report with everything. */
export function ExportPanel() {
  const ready = useApp((s) => s.phase === 'ready');
  const input = useRef<HTMLInputElement>(null);
  return (
    <Panel title="Share & export" help="A link or a file reproduces the whole setup; downloads hold the numbers, the plots and the weights">
      <div className="export-buttons">
        <button
          type="button"
          className="small-button"
          disabled={!ready}
          onClick={() => void copyShareLink()}
          data-testid="share-link"
          title="Copy a link that reproduces the dataset, model, lanes, seeds, analysis settings and toy lab"
        >
          copy link
        </button>
        <button
          type="button"
          className="small-button"
          disabled={!ready}
          onClick={saveExperimentFile}
          data-testid="save-experiment"
          title="Download the whole setup as a versioned JSON file"
        >
          save setup
        </button>
        <button
          type="button"
          className="small-button"
          disabled={!ready}
          onClick={() => input.current?.click()}
          data-testid="open-experiment"
          title="Load a setup file saved here (older versions migrate; what cannot be used is listed)"
        >
          open setup…
        </button>
        <input
          ref={input}
          type="file"
          hidden
          accept=".json,application/json"
          data-testid="open-experiment-input"
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (file) void openExperimentFile(file);
          }}
        />
        <button
          type="button"
          className="small-button"
          disabled={!ready}
          onClick={() => downloadMetrics('csv')}
          data-testid="metrics-csv"
          title="Metrics of all lanes as one CSV: lane, step, grad_evals, wall_s, metric, value"
        >
          metrics CSV
        </button>
        <button
          type="button"
          className="small-button"
          disabled={!ready}
          onClick={() => downloadMetrics('json')}
          data-testid="metrics-json"
          title="Metrics of all lanes as JSON"
        >
          metrics JSON
        </button>
        <button
          type="button"
          className="small-button"
          disabled={!ready}
          onClick={() => void downloadReport()}
          data-testid="report-zip"
          title={
            'One ZIP: setup, metrics, plots, landscapes (CSV and ParaView .vtp), Hessian results, toy trajectories ' +
            "and every lane's weights"
          }
        >
          report ZIP
        </button>
      </div>
    </Panel>
  );
}
