import {
  CreateDatasetResponse,
  CreateModelResponse,
  DatasetDetailsResponse,
  DeleteResponse,
  Evaluation as EvaluationCodec,
  Job as JobCodec,
  JobList,
  type Metadata,
  Model as ModelCodec,
  ModelListResponse,
  ModelRunInfoResponse,
  SliceListResponse,
} from "@nucleus/schemas";
import { ConfigurationError } from "./errors.js";
import { Api, type CallOptions } from "./internal/api.js";
import { Transport } from "./internal/http.js";
import { path } from "./internal/path.js";
import { Dataset } from "./resources/dataset.js";
import { Evaluation } from "./resources/evaluation.js";
import { Job } from "./resources/job.js";
import { Model } from "./resources/model.js";
import { ModelRun } from "./resources/model-run.js";
import { Slice } from "./resources/slice.js";

/** The hosted Nucleus API, used when neither the `endpoint` option nor `NUCLEUS_ENDPOINT` is set. */
export const DEFAULT_ENDPOINT = "https://api.scale.com/v1/nucleus";

/** Options of {@link NucleusClient}. Each falls back to an environment variable, then a default. */
export interface NucleusClientOptions {
  /** The API key, sent as the HTTP Basic user name. Default: `NUCLEUS_API_KEY`. */
  apiKey?: string;
  /** A limited access key, sent as `x-limited-access-key` instead of an API key. */
  limitedAccessKey?: string;
  /** The API's base URL. Default: `NUCLEUS_ENDPOINT`, then {@link DEFAULT_ENDPOINT}. */
  endpoint?: string;
  /** Milliseconds one attempt may take. Default 120,000. */
  timeout?: number;
  /** Retries after a 408, 429, 5xx or dropped connection, for requests safe to repeat. Default 3. */
  maxRetries?: number;
  /** The `fetch` to use. Default: the global one. */
  fetch?: typeof fetch;
  /** Extra headers on every request. */
  headers?: Record<string, string>;
}

/** Options of {@link NucleusClient.createDataset}. */
export interface CreateDatasetOptions extends CallOptions {
  /** A dataset of scenes (lidar or video) instead of single items. */
  isScene?: boolean;
  /** Keep images private: the server never fetches them. */
  usePrivacyMode?: boolean;
  /** Types of item metadata fields. */
  itemMetadataSchema?: Record<
    string,
    { type: "category" | "number" | "text" | "json"; choices?: string[]; description?: string }
  >;
  /** Types of annotation metadata fields. */
  annotationMetadataSchema?: Record<
    string,
    { type: "category" | "number" | "text" | "json"; choices?: string[]; description?: string }
  >;
}

/** Filters of {@link NucleusClient.listJobs}. */
export interface ListJobsOptions extends CallOptions {
  datasetId?: string;
  jobTypes?: string[];
  showCompleted?: boolean;
  limit?: number;
}

function readEnv(name: string): string | undefined {
  const value = typeof process === "undefined" ? undefined : process.env?.[name]?.trim();
  return value ? value : undefined;
}

/**
 * The Nucleus client: datasets, items, annotations, models, model runs, slices and jobs, over
 * the Nucleus REST protocol (Scale's hosted API or the local `@nucleus/server`).
 *
 * @example
 * ```ts
 * import { NucleusClient } from "@nucleus/core";
 *
 * const client = new NucleusClient({ apiKey: "my-key", endpoint: "http://127.0.0.1:8080/v1/nucleus" });
 * const dataset = await client.createDataset("street scenes");
 * await dataset.append([{ imageUrl: "s3://bucket/img_1.jpg", referenceId: "img_1" }]);
 * ```
 */
export class NucleusClient {
  /** The base URL requests go to. */
  readonly endpoint: string;
  private readonly api: Api;

  constructor(options: NucleusClientOptions = {}) {
    const known = new Set([
      "apiKey",
      "limitedAccessKey",
      "endpoint",
      "timeout",
      "maxRetries",
      "fetch",
      "headers",
    ]);
    const unknown = Object.keys(options).filter((key) => !known.has(key));
    if (unknown.length > 0)
      throw new ConfigurationError(`Unknown NucleusClient option ${unknown.join(", ")}`);
    if (options.apiKey && options.limitedAccessKey) {
      throw new ConfigurationError("Pass either apiKey or limitedAccessKey, not both");
    }
    const apiKey = options.limitedAccessKey ? undefined : (options.apiKey ?? readEnv("NUCLEUS_API_KEY"));
    if (!apiKey && !options.limitedAccessKey) {
      throw new ConfigurationError(
        "No API key: pass the apiKey option (or limitedAccessKey), or set the NUCLEUS_API_KEY environment variable",
      );
    }
    for (const [name, value] of [
      ["timeout", options.timeout],
      ["maxRetries", options.maxRetries],
    ] as const) {
      if (value !== undefined && !(Number.isInteger(value) && value >= 0)) {
        throw new ConfigurationError(`${name} must be a non-negative integer, got ${String(value)}`);
      }
    }
    this.endpoint = (options.endpoint ?? readEnv("NUCLEUS_ENDPOINT") ?? DEFAULT_ENDPOINT).replace(/\/+$/, "");
    const headers: Record<string, string> = { ...options.headers };
    if (apiKey) headers.authorization = `Basic ${btoa(`${apiKey}:`)}`;
    else headers["x-limited-access-key"] = options.limitedAccessKey as string;
    this.api = new Api(
      new Transport({
        endpoint: this.endpoint,
        headers,
        timeout: options.timeout ?? 120_000,
        maxRetries: options.maxRetries ?? 3,
        fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
      }),
    );
  }

  /**
   * Creates a dataset.
   *
   * @example
   * ```ts
   * const dataset = await client.createDataset("street scenes");
   * ```
   */
  async createDataset(name: string, options: CreateDatasetOptions = {}): Promise<Dataset> {
    const { datasetId } = await this.api.call(CreateDatasetResponse, {
      method: "POST",
      path: "dataset/create",
      json: {
        name,
        is_scene: options.isScene ?? false,
        use_privacy_mode: options.usePrivacyMode ?? false,
        annotation_metadata_schema: options.annotationMetadataSchema ?? null,
        item_metadata_schema: options.itemMetadataSchema ?? null,
      },
      signal: options.signal,
    });
    return new Dataset(this.api, datasetId);
  }

  /**
   * Every dataset of the key: id, name and whether it is public.
   *
   * @example
   * ```ts
   * for (const { id, name } of await client.listDatasets()) console.log(id, name);
   * ```
   */
  listDatasets(options: CallOptions = {}): Promise<DatasetDetailsResponse> {
    return this.api.call(DatasetDetailsResponse, {
      method: "GET",
      path: "dataset/details",
      signal: options.signal,
    });
  }

  /**
   * A dataset by id. Makes no request: the dataset is read when you call its methods.
   *
   * @example
   * ```ts
   * const dataset = client.getDataset("ds_...");
   * ```
   */
  getDataset(id: string): Dataset {
    return new Dataset(this.api, id);
  }

  /**
   * Deletes a dataset with its items, annotations, runs and slices.
   *
   * @example
   * ```ts
   * await client.deleteDataset(dataset.id);
   * ```
   */
  async deleteDataset(id: string, options: CallOptions = {}): Promise<void> {
    await this.api.call(DeleteResponse, {
      method: "DELETE",
      path: path`dataset/${{ datasetId: id }}`,
      json: {},
      signal: options.signal,
    });
  }

  /**
   * Adds a model: a name and a reference id under which runs and predictions are kept.
   *
   * @example
   * ```ts
   * const model = await client.addModel({ name: "detector v1", referenceId: "detector-v1" });
   * ```
   */
  async addModel(
    options: { name: string; referenceId: string; metadata?: Metadata; tags?: string[] } & CallOptions,
  ): Promise<Model> {
    const body: Record<string, unknown> = {
      name: options.name,
      reference_id: options.referenceId,
      metadata: options.metadata ?? {},
    };
    if (options.tags?.length) body.tags = options.tags;
    const { modelId } = await this.api.call(CreateModelResponse, {
      method: "POST",
      path: "models/add",
      json: body,
      signal: options.signal,
    });
    return new Model(this.api, modelId, {
      id: modelId,
      name: options.name,
      refId: options.referenceId,
      metadata: options.metadata ?? {},
      tags: options.tags ?? [],
    });
  }

  /**
   * Every model of the key.
   *
   * @example
   * ```ts
   * for (const model of await client.listModels()) console.log(model.name, model.referenceId);
   * ```
   */
  async listModels(options: CallOptions = {}): Promise<Model[]> {
    const { models } = await this.api.call(ModelListResponse, {
      method: "GET",
      path: "models/",
      signal: options.signal,
    });
    return models.map((data) => new Model(this.api, data.id, data));
  }

  /**
   * A model by its id, or by the id of one of its runs.
   *
   * @example
   * ```ts
   * const model = await client.getModel("prj_...");
   * ```
   */
  async getModel(id: string, options: CallOptions = {}): Promise<Model> {
    const data = await this.api.call(ModelCodec, {
      method: "GET",
      path: path`model/${{ modelId: id }}`,
      signal: options.signal,
    });
    return new Model(this.api, data.id, data);
  }

  /**
   * Deletes a model with its runs and predictions.
   *
   * @example
   * ```ts
   * await client.deleteModel(model.id);
   * ```
   */
  async deleteModel(id: string, options: CallOptions = {}): Promise<void> {
    await this.api.call(DeleteResponse, {
      method: "DELETE",
      path: path`model/${{ modelId: id }}`,
      json: {},
      signal: options.signal,
    });
  }

  /**
   * A model run by id (reads its info to learn its dataset).
   *
   * @example
   * ```ts
   * const run = await client.getModelRun("run_...");
   * ```
   */
  async getModelRun(id: string, options: CallOptions = {}): Promise<ModelRun> {
    const info = await this.api.call(ModelRunInfoResponse, {
      method: "GET",
      path: path`modelRun/${{ modelRunId: id }}/info`,
      signal: options.signal,
    });
    return new ModelRun(this.api, id, info.datasetId ?? "");
  }

  /**
   * Deletes a model run and its predictions.
   *
   * @example
   * ```ts
   * await client.deleteModelRun(run.id);
   * ```
   */
  async deleteModelRun(id: string, options: CallOptions = {}): Promise<void> {
    await this.api.call(DeleteResponse, {
      method: "DELETE",
      path: path`modelRun/${{ modelRunId: id }}`,
      json: {},
      signal: options.signal,
    });
  }

  /**
   * A slice by id. Makes no request.
   *
   * @example
   * ```ts
   * const slice = client.getSlice("slc_...");
   * ```
   */
  getSlice(id: string): Slice {
    return new Slice(this.api, id);
  }

  /**
   * Every slice of the key.
   *
   * @example
   * ```ts
   * const slices = await client.listSlices();
   * ```
   */
  async listSlices(options: CallOptions = {}): Promise<Slice[]> {
    const slices = await this.api.call(SliceListResponse, {
      method: "GET",
      path: "slice/",
      signal: options.signal,
    });
    return slices.map((slice) => new Slice(this.api, slice.id, slice.datasetId));
  }

  /**
   * An Evaluations V2 evaluation by id, with its current status.
   *
   * @example
   * ```ts
   * const evaluation = await client.getEvaluation("evalv2_...");
   * const charts = await evaluation.charts();
   * ```
   */
  async getEvaluation(id: string, options: CallOptions = {}): Promise<Evaluation> {
    const data = await this.api.call(EvaluationCodec, {
      method: "GET",
      path: path`evaluationsV2/${{ evaluationId: id }}`,
      signal: options.signal,
    });
    return new Evaluation(this.api, data.id, data);
  }

  /**
   * A job by id.
   *
   * @example
   * ```ts
   * const job = await client.getJob("job_...");
   * await job.waitUntilDone();
   * ```
   */
  async getJob(id: string, options: CallOptions = {}): Promise<Job> {
    const data = await this.api.call(JobCodec, {
      method: "GET",
      path: path`job/${{ jobId: id }}/info`,
      signal: options.signal,
    });
    return new Job(this.api, data.jobId, data);
  }

  /**
   * The key's jobs, newest last, optionally of one dataset or type.
   *
   * @example
   * ```ts
   * const jobs = await client.listJobs({ datasetId: dataset.id, jobTypes: ["uploadDatasetItems"] });
   * ```
   */
  async listJobs(options: ListJobsOptions = {}): Promise<Job[]> {
    const jobs = await this.api.call(JobList, {
      method: "POST",
      path: "jobs/",
      json: {
        dataset_id: options.datasetId ?? null,
        job_types: options.jobTypes ?? [],
        from_date: null,
        to_date: null,
        limit: options.limit ?? 50_000,
        show_completed: options.showCompleted ?? true,
      },
      idempotent: true,
      signal: options.signal,
    });
    return jobs.map((data) => new Job(this.api, data.jobId, data));
  }
}
