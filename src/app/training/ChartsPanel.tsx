import { useApp, type XAxis } from './store';
import { CORE_CHARTS, methodCharts } from './charts';
import { MetricChart, X_LABELS } from './MetricChart';
import { Panel, SelectField } from '../shared/ui/controls';

export function ChartsPanel() {
  const logScale = useApp((s) => s.logScale);
  const smoothing = useApp((s) => s.smoothing);
  const xAxis = useApp((s) => s.xAxis);
  const lanes = useApp((s) => s.config.lanes);
  const charts = methodCharts().filter((c) => lanes.some(c.shown));
  return (
    <Panel
      title="Metrics"
      help="Live charts, one colour per lane; hover a chart to read every lane's value, drag to zoom, double-click to zoom out"
      className="charts-panel"
    >
      <div className="chart-toolbar">
        <SelectField<XAxis>
          label="x axis"
          help="Compare lanes per step, at equal compute (gradient evaluations: SAM and NSO cost 2 per step), or per second of wall time"
          value={xAxis}
          options={(Object.keys(X_LABELS) as XAxis[]).map((x) => ({ value: x, label: X_LABELS[x] }))}
          onChange={(x) => useApp.setState({ xAxis: x })}
          testId="x-axis"
        />
        <label title="Logarithmic y axis for the loss charts">
          <input type="checkbox" checked={logScale} onChange={(e) => useApp.setState({ logScale: e.target.checked })} /> log-scale loss
        </label>
        <label title="Exponential moving average of the plotted values (0: raw); gaps stay gaps" className="smoothing">
          smoothing
          <input
            type="range"
            min={0}
            max={0.99}
            step={0.01}
            value={smoothing}
            onChange={(e) => useApp.setState({ smoothing: Number(e.target.value) })}
            aria-label="smoothing"
          />
          <output>{smoothing.toFixed(2)}</output>
        </label>
      </div>
      <div className="charts">
        {CORE_CHARTS.map((metric) => (
          <MetricChart key={metric} metrics={[metric]} />
        ))}
      </div>
      {charts.length > 0 && (
        <>
          <h3>Method metrics</h3>
          <div className="charts">
            {charts.map((c) => (
              <MetricChart
                key={c.metrics.join()}
                metrics={c.metrics}
                title={c.title}
                help={c.help}
                seriesLabels={c.seriesLabels}
                laneFilter={c.shown}
              />
            ))}
          </div>
        </>
      )}
    </Panel>
  );
}
