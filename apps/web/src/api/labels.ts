import type { ModelRun, NucleusClient } from "@nucleus/core";
import { classesOf, type LabelGroupsLike, type Shape, type Source, shapesOf } from "../labels/shapes.js";

/** The labels of one item from one source: loading, loaded, or failed. */
export type LabelsState =
  | { status: "loading" }
  | { status: "ready"; shapes: Shape[] }
  | { status: "error"; error: unknown };

const LOADING: LabelsState = { status: "loading" };
/** Requests in flight at once: what a browser opens to one origin over HTTP/1.1. */
const CONCURRENCY = 6;
/** Items whose labels are kept; the oldest are dropped past it. */
const KEEP = 4_000;

interface Task {
  key: string;
  run: () => Promise<Shape[]>;
}

/**
 * The labels of a dataset's items, read per item through `@nucleus/core` (ground truth with
 * `dataset.loc`, predictions with `run.loc`) when a grid cell or the item view asks for them. The
 * newest request goes first, at most six at a time, and a request whose cell scrolled away before
 * it started is dropped, so fast scrolling only loads where the grid stops.
 */
export class LabelStore {
  private readonly states = new Map<string, LabelsState>();
  private readonly listeners = new Map<string, Set<() => void>>();
  private readonly queue: Task[] = [];
  private readonly runs = new Map<string, Promise<ModelRun>>();
  private readonly classListeners = new Set<() => void>();
  private classes: readonly string[] = [];
  private active = 0;
  private readonly idleWaiters: (() => void)[] = [];

  constructor(
    readonly client: NucleusClient,
    readonly datasetId: string,
  ) {}

  /** The labels of an item from a source, as far as they are known. */
  get(itemId: string, source: Source): LabelsState {
    return this.states.get(keyOf(itemId, source)) ?? LOADING;
  }

  /** Calls `listener` when any label state of the item changes. */
  subscribe(itemId: string, listener: () => void): () => void {
    let set = this.listeners.get(itemId);
    if (!set) {
      set = new Set();
      this.listeners.set(itemId, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(itemId);
    };
  }

  /** Records labels read another way (the item view reads an item with its ground truth). */
  seed(itemId: string, source: Source, shapes: Shape[]): void {
    if (this.get(itemId, source).status !== "ready")
      this.set(keyOf(itemId, source), { status: "ready", shapes });
  }

  /** Asks for an item's labels from these sources; returns a function that withdraws the request. */
  request(itemId: string, sources: readonly Source[]): () => void {
    const tasks: Task[] = [];
    for (const source of sources) {
      const key = keyOf(itemId, source);
      if (this.states.has(key) || this.queue.some((t) => t.key === key)) continue;
      const task = { key, run: () => this.load(itemId, source) };
      tasks.push(task);
      this.queue.push(task);
    }
    this.pump();
    return () => {
      for (const task of tasks) {
        const at = this.queue.indexOf(task);
        if (at !== -1) this.queue.splice(at, 1);
      }
    };
  }

  private async load(itemId: string, source: Source): Promise<Shape[]> {
    if (source === "gt") {
      const { annotations } = await this.client.getDataset(this.datasetId).loc(itemId);
      return shapesOf(annotations as LabelGroupsLike, "gt");
    }
    const runId = source.slice(4);
    let run = this.runs.get(runId);
    if (!run) {
      run = this.client.getModelRun(runId);
      this.runs.set(runId, run);
      run.catch(() => this.runs.delete(runId));
    }
    const groups = await (await run).loc(itemId);
    return shapesOf(groups as LabelGroupsLike, source);
  }

  /** Resolves once no label read is queued or in flight (at once when none is). */
  whenIdle(): Promise<void> {
    if (this.active === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private noteClasses(shapes: readonly Shape[]): void {
    const known = new Set(this.classes);
    const before = known.size;
    for (const shape of shapes) for (const label of classesOf(shape)) if (label) known.add(label);
    if (known.size === before) return;
    this.classes = [...known].sort((a, b) => a.localeCompare(b));
    for (const listener of this.classListeners) listener();
  }

  private pump(): void {
    while (this.active < CONCURRENCY && this.queue.length > 0) {
      // Newest first: the cells the user looks at now were asked for last.
      const task = this.queue.pop() as Task;
      this.active++;
      task
        .run()
        .then(
          (shapes) => this.set(task.key, { status: "ready", shapes }),
          (error: unknown) => this.set(task.key, { status: "error", error }),
        )
        .finally(() => {
          this.active--;
          this.pump();
          if (this.active === 0 && this.queue.length === 0)
            for (const resolve of this.idleWaiters.splice(0)) resolve();
        });
    }
  }

  /** Every class seen in the labels loaded so far, sorted. */
  getClasses = (): readonly string[] => this.classes;

  /** Calls `listener` when a new class is seen. */
  subscribeClasses = (listener: () => void): (() => void) => {
    this.classListeners.add(listener);
    return () => this.classListeners.delete(listener);
  };

  private set(key: string, state: LabelsState): void {
    this.states.set(key, state);
    if (state.status === "ready") this.noteClasses(state.shapes);
    if (this.states.size > KEEP * 2) {
      // Maps iterate in insertion order: the first keys are the oldest.
      for (const old of [...this.states.keys()].slice(0, this.states.size - KEEP)) this.states.delete(old);
    }
    const itemId = key.slice(0, key.indexOf("\u0000"));
    for (const listener of this.listeners.get(itemId) ?? []) listener();
  }
}

function keyOf(itemId: string, source: Source): string {
  return `${itemId}\u0000${source}`;
}

const stores = new Map<string, LabelStore>();

/** The label store of a dataset for a client (a new sign-in starts afresh). */
export function labelStoreOf(client: NucleusClient, datasetId: string): LabelStore {
  let store = stores.get(datasetId);
  if (!store || store.client !== client) {
    store = new LabelStore(client, datasetId);
    stores.set(datasetId, store);
  }
  return store;
}
