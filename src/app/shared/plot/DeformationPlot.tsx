import { useMemo } from 'react';
import type uPlot from 'uplot';
import { deformSlope, deformValue, type Deformation } from '../../../engine/optim/deformation';
import { useUPlot } from './useUPlot';

const POINTS = 121;
const MAX_LOSS = 3;
const SIZE = { height: 120, minWidth: 200 };

const options = (width: number): uPlot.Options => ({
  width,
  height: SIZE.height,
  legend: { show: true, live: false },
  cursor: { show: false },
  scales: { x: { time: false } },
  axes: [
    { size: 22, stroke: '#666', grid: { stroke: '#f0f0f0' }, font: '10px system-ui' },
    { size: 34, stroke: '#666', grid: { stroke: '#f0f0f0' }, font: '10px system-ui' },
  ],
  series: [
    { label: 'ℓ' },
    { label: 'δ(ℓ)', stroke: '#1a73e8', width: 2 },
    { label: 'δ′(ℓ)', stroke: '#e8710a', width: 2 },
    { label: 'ℓ', stroke: '#bbb', width: 1, dash: [4, 4] },
  ],
});

/** δ(ℓ) and δ′(ℓ) for a deformation, over ℓ in [0, 3], with the identity for reference. */
export function DeformationPlot({ deformation }: { deformation: Deformation }) {
  const key = JSON.stringify(deformation);
  const data = useMemo((): uPlot.AlignedData => {
    const xs = Array.from({ length: POINTS }, (_, i) => (i / (POINTS - 1)) * MAX_LOSS);
    const finite = (v: number) => (Number.isFinite(v) ? v : null);
    return [xs, xs.map((l) => finite(deformValue(deformation, l))), xs.map((l) => deformSlope(deformation, l).slope), xs];
    // `key` stands for the deformation's settings.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  const container = useUPlot(options, data, 'deformation', SIZE);
  return (
    <div
      ref={container}
      className="deformation-plot"
      data-testid="deformation-plot"
      title="δ(ℓ) (blue), its slope δ′(ℓ) that multiplies the gradient (orange), and ℓ itself (dashed), for ℓ in [0, 3]"
    />
  );
}
