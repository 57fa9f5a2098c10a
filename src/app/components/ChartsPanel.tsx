import type { MetricName } from '../../engine/train/metrics';
import { useApp } from '../store';
import { MetricChart } from './MetricChart';
import { Panel } from './controls';

const CHARTS: MetricName[] = ['train_loss', 'test_loss', 'train_acc', 'test_acc', 'head_norm', 'steps_per_s'];

export function ChartsPanel() {
  const logScale = useApp((s) => s.logScale);
  const smoothing = useApp((s) => s.smoothing);
  return (
    <Panel title="Metrics" help="Live charts, one colour per lane; hover a chart to read every lane's value at a step, drag to zoom, double-click to zoom out" className="charts-panel">
      <div className="chart-toolbar">
        <label title="Logarithmic y axis for the loss charts">
          <input type="checkbox" checked={logScale} onChange={(e) => useApp.setState({ logScale: e.target.checked })} /> log-scale loss
        </label>
        <label title="Exponential moving average of the plotted values (0: raw); gaps stay gaps" className="smoothing">
          smoothing
          <input type="range" min={0} max={0.99} step={0.01} value={smoothing} onChange={(e) => useApp.setState({ smoothing: Number(e.target.value) })} aria-label="smoothing" />
          <output>{smoothing.toFixed(2)}</output>
        </label>
      </div>
      <div className="charts">
        {CHARTS.map((metric) => (
          <MetricChart key={metric} metric={metric} />
        ))}
      </div>
    </Panel>
  );
}
