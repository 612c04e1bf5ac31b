import { type Metadata, type Model as ModelData, type Prediction, routes } from "@nucleus/schemas";
import type { Api } from "../internal/api.js";
import type { CallOptions } from "../options.js";
import type { UploadOptions } from "../uploads.js";
import { ModelRun } from "./model-run.js";
import { modelTags } from "./taxonomies.js";

/** Options of {@link Model.createRun}. */
export interface CreateRunOptions extends UploadOptions {
  /** The run's name. */
  name: string;
  /** The dataset (or its id) the predictions are on. */
  dataset: string | { id: string };
  /** Predictions to upload right away (may be empty). */
  predictions?: readonly Prediction[];
  /** Free-form metadata of the run. */
  metadata?: Metadata;
}

/** A model: a name and a reference id under which runs and predictions are kept. */
export class Model {
  /** @internal Made by the client and other resources; not constructed directly. */
  constructor(
    private readonly api: Api,
    /** The model's id (`prj_...`). */
    readonly id: string,
    /** The model as the server last described it. */
    readonly data: ModelData,
  ) {}

  /** The model's name. */
  get name(): string {
    return this.data.name;
  }

  /** The user's reference id of the model (`refId` on the wire). */
  get referenceId(): string {
    return this.data.refId;
  }

  /**
   * Creates a model run on a dataset and uploads its predictions.
   *
   * @example
   * ```ts
   * const run = await model.createRun({ name: "v1 on val", dataset, predictions });
   * await run.commit();
   * ```
   */
  async createRun(options: CreateRunOptions): Promise<ModelRun> {
    const datasetId = typeof options.dataset === "string" ? options.dataset : options.dataset.id;
    const body = {
      name: options.name,
      referenceId: this.referenceId,
      ...(options.metadata ? { metadata: options.metadata } : {}),
    };
    const { modelRunId } = await this.api.call(
      routes.createModelRun,
      { params: { datasetId }, body },
      options,
    );
    const run = new ModelRun(this.api, modelRunId, datasetId);
    if (options.predictions?.length)
      await run.predict(options.predictions, { ...options, asynchronous: false });
    return run;
  }

  /**
   * Adds tags to the model; returns all its tags.
   *
   * @example
   * ```ts
   * await model.addTags(["prod"]);
   * ```
   */
  addTags(tags: readonly string[], options: CallOptions = {}): Promise<string[]> {
    return modelTags(this.api, this.id, { add: tags }, options);
  }

  /**
   * Removes tags from the model; an `APIError` (400) when none of them was on it.
   *
   * @example
   * ```ts
   * await model.removeTags(["prod"]);
   * ```
   */
  removeTags(tags: readonly string[], options: CallOptions = {}): Promise<string[]> {
    return modelTags(this.api, this.id, { remove: tags }, options);
  }
}
