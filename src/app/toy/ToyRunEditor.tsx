import { DEFORMATIONS, defaultDeformation, type DeformationKind } from '../../engine/optim/deformation';
import { TOY_CONTROLS } from '../../engine/toy/controls';
import { TOY_OPTIMIZERS, type ToyOptimizerKind } from '../../engine/toy/optimizers';
import { removeRun, updateRun, type ToyRunEntry } from './store';
import { SelectField, TextField } from '../shared/ui/controls';
import { CloseIcon } from '../shared/ui/icons';
import { ParamControls } from '../shared/ui/ParamControls';

const OPTIMIZER_LABELS: Record<ToyOptimizerKind, string> = {
  gd: 'GD',
  sgd: 'SGD (noisy)',
  sgdm: 'SGD + momentum',
  adam: 'Adam',
  sam: 'SAM',
  nso: 'NSO',
};

/** One run of the toy lab: optimizer, its settings, and an optional deformation. */
export function ToyRunEditor({ run }: { run: ToyRunEntry }) {
  const { config } = run;
  const deformation = config.deformation;
  return (
    <article
      className="lane toy-run"
      style={{ borderLeftColor: run.color }}
      data-testid={`toy-run-${run.id}`}
      aria-label={`run ${run.label}`}
    >
      <div className="lane-head">
        <span className="swatch" style={{ background: run.color }} />
        <TextField
          label="name"
          help="Name of this run (shown in the legend)"
          value={run.label}
          parse={(t) => (t.trim() === '' || t.length > 40 ? 'a name of 1 to 40 characters' : null)}
          onCommit={(label) => updateRun(run.id, {}, { label: label.trim() })}
        />
        <div className="lane-buttons">
          <button type="button" onClick={() => removeRun(run.id)} title="Remove this run" aria-label={`Remove ${run.label}`}>
            <CloseIcon />
          </button>
        </div>
      </div>
      <SelectField<ToyOptimizerKind>
        label="optimizer"
        help={TOY_OPTIMIZERS[config.optimizer]}
        value={config.optimizer}
        options={(Object.keys(TOY_OPTIMIZERS) as ToyOptimizerKind[]).map((k) => ({
          value: k,
          label: OPTIMIZER_LABELS[k],
          title: TOY_OPTIMIZERS[k],
        }))}
        onChange={(optimizer) =>
          updateRun(run.id, { optimizer, ...(optimizer === 'sgdm' && config.momentum === 0 ? { momentum: 0.9 } : {}) })
        }
      />
      <ParamControls
        controls={TOY_CONTROLS[config.optimizer]}
        values={config}
        disabled={false}
        disabledReason=""
        onChange={(key, value) => updateRun(run.id, { [key]: value })}
      />
      <SelectField<DeformationKind>
        label="deformation"
        help="Optional loss deformation: the run follows δ′(ℓ)·∇ℓ"
        value={deformation.kind}
        options={(Object.keys(DEFORMATIONS) as DeformationKind[]).map((k) => ({
          value: k,
          label: DEFORMATIONS[k].label,
          title: DEFORMATIONS[k].help,
        }))}
        onChange={(kind) => updateRun(run.id, { deformation: defaultDeformation(kind) })}
      />
      {deformation.kind !== 'none' && (
        <ParamControls
          controls={DEFORMATIONS[deformation.kind].controls}
          values={deformation}
          disabled={false}
          disabledReason=""
          onChange={(key, value) => updateRun(run.id, { deformation: { ...deformation, [key]: value } as typeof deformation })}
        />
      )}
    </article>
  );
}
