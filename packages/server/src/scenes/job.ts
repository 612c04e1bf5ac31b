/**
 * The `uploadLidarScene` and `uploadVideoScene` jobs: the NDJSON payload (one scene a line) is
 * checked whole first, then written in one transaction, so a job that fails wrote nothing.
 */
import { LidarScene, type LidarSceneWire, VideoScene, type VideoSceneWire } from "@nucleus/schemas";
import { payloadLines } from "../jobs/payload-lines.js";
import type { MediaStore } from "../media.js";
import type { JobRecord, JobUpdate, NucleusStore } from "../store/index.js";
import { planLidarScenes, planVideoScenes, SceneInputError, writeScenes } from "./ingest.js";

/** The job types of scene uploads. */
export const SCENE_JOB_TYPES = ["uploadLidarScene", "uploadVideoScene"] as const;

/** Whether a job type is a scene upload's. */
export function isSceneJobType(type: string): type is (typeof SCENE_JOB_TYPES)[number] {
  return (SCENE_JOB_TYPES as readonly string[]).includes(type);
}

/** Runs a scene upload job; `report` records progress and the outcome. */
export async function runSceneJob(
  store: NucleusStore,
  media: MediaStore,
  job: JobRecord,
  report: (fields: JobUpdate) => Promise<void>,
): Promise<void> {
  const spec = job.spec as { type: string; datasetId: string; mediaKey: string; update: boolean };
  const video = spec.type === "uploadVideoScene";
  const codec = video ? VideoScene : LidarScene;
  const scenes: unknown[] = [];
  const errors: string[] = [];
  for await (const { number, line } of payloadLines(media, spec.mediaKey)) {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      errors.push(`line ${number}: not valid JSON`);
      continue;
    }
    const result = codec.check(value);
    if (result.ok) scenes.push(result.value);
    else for (const issue of result.issues) errors.push(`line ${number}: ${issue.text}`);
  }
  await report({ totalSteps: scenes.length + errors.length });
  const fail = (message: string) =>
    report({
      status: "Errored_Server",
      message: { final_error: `BadRequestError: ${message}` },
      errors: errors.length > 0 ? errors : [message],
    });
  if (errors.length > 0)
    return fail(`${errors.length} scene(s) are not valid, so none was uploaded: ${errors[0]}`);
  try {
    const dataset = await store.datasets.get(job.tenant, spec.datasetId);
    if (!dataset) throw new SceneInputError(`dataset ${spec.datasetId} no longer exists`);
    if (!dataset.isScene) throw new SceneInputError(`dataset ${dataset.id} is not a scene dataset`);
    const plans = video
      ? planVideoScenes(scenes as VideoSceneWire[])
      : planLidarScenes(scenes as LidarSceneWire[]);
    const counts = await store.transaction((tx) => writeScenes(tx, dataset.id, plans, spec.update));
    await report({
      status: "Completed",
      completedSteps: scenes.length,
      message: {
        scene_upload: {
          datasetId: dataset.id,
          total: scenes.length,
          new: counts.newScenes,
          updated: counts.updatedScenes,
          ignored: counts.ignoredScenes,
          new_items: counts.newItems,
        },
      },
    });
  } catch (error) {
    if (error instanceof SceneInputError) return fail(error.message);
    throw error;
  }
}
