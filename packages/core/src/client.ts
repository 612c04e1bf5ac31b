import {
  type CreateDatasetRequest,
  type DatasetDetailsResponse,
  type Metadata,
  routes,
} from "@nucleus/schemas";
import { ConfigurationError } from "./errors.js";
import { Api } from "./internal/api.js";
import { Transport } from "./internal/http.js";
import type { CallOptions } from "./options.js";
import { platform } from "./platform/index.js";
import { Dataset } from "./resources/dataset.js";
import { Evaluation } from "./resources/evaluation.js";
import { Job } from "./resources/job.js";
import { Model } from "./resources/model.js";
import { ModelRun } from "./resources/model-run.js";
import { Slice } from "./resources/slice.js";
import { Validate } from "./resources/validate.js";

/** The hosted Nucleus API, used when neither the `endpoint` option nor `NUCLEUS_ENDPOINT` is set. */
export const DEFAULT_ENDPOINT = "https://api.scale.com/v1/nucleus";

/**
 * The cookie in which the local server hands a page its session's CSRF token.
 *
 * @example
 * ```ts
 * import { CSRF_COOKIE } from "@nucleus/core";
 *
 * CSRF_COOKIE; // "nucleus_csrf"
 * ```
 */
export const CSRF_COOKIE = "nucleus_csrf";

/**
 * Authentication by a same-origin browser session instead of a key: the server's HttpOnly
 * cookie goes with every request (the browser sends it), and the CSRF token goes as
 * `x-csrf-token` on every request that changes something.
 *
 * @example
 * ```ts
 * import { NucleusClient, type SessionAuth } from "@nucleus/core";
 *
 * const auth: SessionAuth = { session: true }; // the token is read from the nucleus_csrf cookie
 * const client = new NucleusClient({ endpoint: "/v1/nucleus", auth });
 * ```
 */
export interface SessionAuth {
  session: true;
  /** The session's CSRF token. Default: the `nucleus_csrf` cookie, read at each request. */
  csrfToken?: string;
}

/** Options of {@link NucleusClient}. Each falls back to an environment variable, then a default. */
export interface NucleusClientOptions {
  /** The API key, sent as the HTTP Basic user name. Default: `NUCLEUS_API_KEY`. */
  apiKey?: string;
  /** A limited access key, sent as `x-limited-access-key` instead of an API key. */
  limitedAccessKey?: string;
  /** A same-origin browser session instead of a key (see {@link NucleusClient.signIn}). */
  auth?: SessionAuth;
  /** The API's base URL. Default: `NUCLEUS_ENDPOINT`, then {@link DEFAULT_ENDPOINT}. */
  endpoint?: string;
  /** Milliseconds one attempt may take. Default 120,000. */
  timeout?: number;
  /** Retries after a 408, 429, 5xx or dropped connection, for requests safe to repeat. Default 3. */
  maxRetries?: number;
  /**
   * The `fetch` to send every request with. Default: in Node, the `http` module (cheaper per
   * response than Node's `fetch`), with the global `fetch` for multipart uploads; elsewhere the
   * global `fetch`.
   */
  fetch?: typeof fetch;
  /** Extra headers on every request. */
  headers?: Record<string, string>;
}

/**
 * Options of {@link NucleusClient.signIn}: a key to trade for a session, and the client's other options.
 *
 * @example
 * ```ts
 * import type { SignInOptions } from "@nucleus/core";
 *
 * const options: SignInOptions = { apiKey: "my-key", endpoint: "http://127.0.0.1:8080/v1/nucleus" };
 * ```
 */
export type SignInOptions = Omit<NucleusClientOptions, "apiKey" | "limitedAccessKey" | "auth"> & {
  /** The API key the session is opened with; it is sent once and not kept. */
  apiKey: string;
};

/** Options of {@link NucleusClient.createDataset}. */
export interface CreateDatasetOptions extends CallOptions {
  /** A dataset of scenes (lidar or video) instead of single items. */
  isScene?: boolean;
  /** Keep images private: the server never fetches them. */
  usePrivacyMode?: boolean;
  /** Types of item metadata fields. */
  itemMetadataSchema?: NonNullable<CreateDatasetRequest["itemMetadataSchema"]>;
  /** Types of annotation metadata fields. */
  annotationMetadataSchema?: NonNullable<CreateDatasetRequest["annotationMetadataSchema"]>;
}

/** Filters of {@link NucleusClient.listJobs}. */
export interface ListJobsOptions extends CallOptions {
  datasetId?: string;
  jobTypes?: string[];
  showCompleted?: boolean;
  limit?: number;
}

const OPTIONS = new Set<string>([
  "apiKey",
  "limitedAccessKey",
  "auth",
  "endpoint",
  "timeout",
  "maxRetries",
  "fetch",
  "headers",
] satisfies (keyof NucleusClientOptions)[]);

/** The credentials headers of a client, checked; session clients send none (the cookie goes by itself). */
function authHeaders(options: NucleusClientOptions): Record<string, string> {
  const given = [options.apiKey, options.limitedAccessKey, options.auth].filter((v) => v !== undefined);
  if (given.length > 1) {
    throw new ConfigurationError("Pass one of apiKey, limitedAccessKey or auth, not several");
  }
  if (options.auth) {
    if (options.auth.session !== true) throw new ConfigurationError("auth must be { session: true }");
    return {};
  }
  if (options.limitedAccessKey) return { "x-limited-access-key": options.limitedAccessKey };
  const apiKey = options.apiKey ?? platform.env("NUCLEUS_API_KEY");
  if (!apiKey) {
    throw new ConfigurationError(
      "No API key: pass the apiKey option (or limitedAccessKey, or auth for a browser session), or set the NUCLEUS_API_KEY environment variable",
    );
  }
  return { authorization: `Basic ${btoa(`${apiKey}:`)}` };
}

/**
 * The Nucleus client: datasets, items, annotations, models, model runs, slices and jobs, over
 * the Nucleus REST protocol (Scale's hosted API or the local `@nucleus/server`). It runs in Node
 * and in browsers (the `browser` build of the package).
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
    const unknown = Object.keys(options).filter((key) => !OPTIONS.has(key));
    if (unknown.length > 0)
      throw new ConfigurationError(`Unknown NucleusClient option ${unknown.join(", ")}`);
    const headers = { ...options.headers, ...authHeaders(options) };
    for (const [name, value] of [
      ["timeout", options.timeout],
      ["maxRetries", options.maxRetries],
    ] as const) {
      if (value !== undefined && !(Number.isInteger(value) && value >= 0)) {
        throw new ConfigurationError(`${name} must be a non-negative integer, got ${String(value)}`);
      }
    }
    this.endpoint = (options.endpoint ?? platform.env("NUCLEUS_ENDPOINT") ?? DEFAULT_ENDPOINT).replace(
      /\/+$/,
      "",
    );
    const session = options.auth;
    this.api = new Api(
      new Transport({
        endpoint: this.endpoint,
        headers,
        timeout: options.timeout ?? 120_000,
        maxRetries: options.maxRetries ?? 3,
        fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
        // A fetch of the caller's carries every request; otherwise the platform's own client may.
        ...(options.fetch || !platform.sendNative ? {} : { sendNative: platform.sendNative }),
        ...(session ? { csrfToken: () => session.csrfToken ?? platform.cookie(CSRF_COOKIE) } : {}),
      }),
      platform,
    );
  }

  /**
   * Opens a browser session with an API key and returns a client that uses it: the server sets
   * an HttpOnly cookie (the key is not kept, in the cookie or anywhere in the page) and hands
   * back the CSRF token the client then sends. Same-origin only; `@nucleus/server` serves it.
   *
   * @example
   * ```ts
   * const client = await NucleusClient.signIn({ apiKey: "my-key", endpoint: `${location.origin}/v1/nucleus` });
   * const datasets = await client.listDatasets();
   * ```
   */
  static async signIn(options: SignInOptions): Promise<NucleusClient> {
    const { apiKey, ...rest } = options;
    const keyed = new NucleusClient({ ...rest, apiKey });
    const { csrfToken } = await keyed.api.call(routes.createSession, {});
    return new NucleusClient({ ...rest, auth: { session: true, csrfToken } });
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
    const { datasetId } = await this.api.call(
      routes.createDataset,
      {
        body: {
          name,
          isScene: options.isScene ?? false,
          usePrivacyMode: options.usePrivacyMode ?? false,
          annotationMetadataSchema: options.annotationMetadataSchema ?? null,
          itemMetadataSchema: options.itemMetadataSchema ?? null,
        },
      },
      options,
    );
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
    return this.api.call(routes.listDatasets, {}, options);
  }

  /**
   * Validate ("Model CI"): evaluation functions, scenario tests and evaluations of models on them.
   *
   * @example
   * ```ts
   * const { passed } = await client.validate.run("prj_...");
   * ```
   */
  get validate(): Validate {
    return new Validate(this.api);
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
    await this.api.call(routes.deleteDataset, { params: { datasetId: id }, body: {} }, options);
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
    const { name, referenceId, metadata = {}, tags = [] } = options;
    const { modelId } = await this.api.call(
      routes.createModel,
      // The official client leaves tags out when there are none.
      { body: { name, referenceId, metadata, ...(tags.length > 0 ? { tags } : {}) } },
      options,
    );
    return new Model(this.api, modelId, { id: modelId, name, refId: referenceId, metadata, tags });
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
    const { models } = await this.api.call(routes.listModels, {}, options);
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
    const data = await this.api.call(routes.getModel, { params: { modelId: id } }, options);
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
    await this.api.call(routes.deleteModel, { params: { modelId: id }, body: {} }, options);
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
    const info = await this.api.call(routes.modelRunInfo, { params: { runId: id } }, options);
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
    await this.api.call(routes.deleteModelRun, { params: { runId: id }, body: {} }, options);
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
    const slices = await this.api.call(routes.listSlices, {}, options);
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
    const data = await this.api.call(routes.getEvaluation, { params: { evaluationId: id } }, options);
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
    const data = await this.api.call(routes.jobInfo, { params: { jobId: id } }, options);
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
    const jobs = await this.api.call(
      routes.listJobs,
      {
        body: {
          datasetId: options.datasetId ?? null,
          jobTypes: options.jobTypes ?? [],
          fromDate: null,
          toDate: null,
          limit: options.limit ?? 50_000,
          showCompleted: options.showCompleted ?? true,
        },
      },
      options,
    );
    return jobs.map((data) => new Job(this.api, data.jobId, data));
  }

  /**
   * Ends the browser session this client signed in with ({@link NucleusClient.signIn}): the
   * server forgets it and its cookie stops working.
   *
   * @example
   * ```ts
   * const session = await NucleusClient.signIn({ apiKey: "my-key", endpoint: "/v1/nucleus" });
   * await session.signOut();
   * ```
   */
  async signOut(options: CallOptions = {}): Promise<void> {
    await this.api.call(routes.deleteSession, {}, options);
  }
}
