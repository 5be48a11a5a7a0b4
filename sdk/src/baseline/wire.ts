import { columnBytes } from "@driftline/collector/baseline";
import type { Baseline, BaselineColumn } from "@driftline/collector/baseline";
import type { VersionDriftSettings } from "@driftline/collector";

export { columnBytes };

/** One sketch as the baseline route carries it: base64 of the sketch's `toBytes()`. */
export type BaselineSketchJson = { type: "numeric" | "categorical"; sketch: string };

/** The JSON body of `PUT /api/models/:model/versions/:version/baseline` (docs/baselines.md). */
export type BaselineUploadBody = {
  rows: number;
  features: Record<string, BaselineSketchJson>;
  prediction?: BaselineSketchJson;
  /** A classifier's score column (numeric), beside a label prediction. */
  score?: BaselineSketchJson;
  /** The ground-truth column (numeric: ml.actual.value; categorical: ml.actual.label), for target drift. */
  target?: BaselineSketchJson;
  /** This version's drift settings (`{ defaults?, features? }`, docs/drift.md "Settings"), stored with the baseline. */
  settings?: VersionDriftSettings;
};

/** The upload body for a baseline: each sketch serialized once. */
export function baselineToJson(baseline: Baseline): BaselineUploadBody {
  const features: Record<string, BaselineSketchJson> = {};
  for (const [name, column] of baseline.features) features[name] = columnToJson(column);
  return {
    rows: baseline.rows,
    features,
    ...(baseline.prediction === undefined ? {} : { prediction: columnToJson(baseline.prediction) }),
    ...(baseline.score === undefined ? {} : { score: columnToJson(baseline.score) }),
    ...(baseline.target === undefined ? {} : { target: columnToJson(baseline.target) }),
  };
}

function columnToJson(column: BaselineColumn): BaselineSketchJson {
  return { type: column.type, sketch: Buffer.from(columnBytes(column)).toString("base64") };
}
