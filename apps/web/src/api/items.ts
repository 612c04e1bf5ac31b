import type { DatasetItemRecord, NucleusClient, PageIterator } from "@nucleus/core";

/** An item as the grid and item view use it. */
export interface GridItem {
  id: string;
  referenceId: string;
  imageUrl: string | undefined;
  width: number | undefined;
  height: number | undefined;
  metadata: Record<string, unknown>;
}

/**
 * What a list shows: a dataset, one of its slices or the items of a query (which may name the
 * slice), in upload order or sorted by a metadata field.
 */
export interface ListQuery {
  datasetId: string;
  sliceId?: string | undefined;
  /** A query in the Nucleus query language; when given it replaces `sliceId`. */
  query?: string | undefined;
  /** The run whose predictions `predictions.*` in the query count. */
  modelRun?: string | undefined;
  sort?: { field: string; descending: boolean } | undefined;
}

/** The items of a list that are known so far. */
export interface ListSnapshot {
  items: readonly (GridItem | undefined)[];
  /** How many items the list has, when known (else at least `items.length`). */
  total: number | undefined;
  done: boolean;
  error: unknown;
  /** Loading is under way. */
  loading: boolean;
  /** Items read so far (while a sorted list reads everything before it shows any). */
  read: number;
}

const FIRST_PAGE = 120;
const PAGE = 5_000;

/** An item record of the API as the grid shows it. */
export function toGridItem(record: DatasetItemRecord): GridItem {
  return {
    id: record.id,
    referenceId: record.referenceId ?? record.refId ?? record.id,
    imageUrl: record.originalImageUrl ?? record.imageUrl,
    width: record.width ?? undefined,
    height: record.height ?? undefined,
    metadata: (record.metadata ?? {}) as Record<string, unknown>,
  };
}

/** Compares metadata values: numbers as numbers, the rest as text; missing values last. */
export function compareValues(a: unknown, b: unknown): number {
  if (a === undefined || a === null) return b === undefined || b === null ? 0 : 1;
  if (b === undefined || b === null) return -1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a).localeCompare(String(b), undefined, { numeric: true });
}

/**
 * The items of a dataset or slice, read lazily through the items routes: a small first page so
 * the grid paints at once, then large pages, each only when the grid scrolls near it. Sorting
 * by metadata needs every item, so a sorted list reads them all first (the routes page in
 * upload order).
 */
export class ItemList {
  private items: (GridItem | undefined)[] = [];
  private pages: AsyncGenerator<DatasetItemRecord[]> | undefined;
  private wanted = 0;
  private pumping = false;
  private snapshot: ListSnapshot;
  private readonly listeners = new Set<() => void>();
  private readonly controller = new AbortController();
  private error: unknown;
  private done = false;
  private read = 0;

  constructor(
    readonly client: NucleusClient,
    readonly query: ListQuery,
    private total: number | undefined,
  ) {
    this.snapshot = this.makeSnapshot(false);
  }

  /** The items known so far; a new object whenever something changed. */
  getSnapshot = (): ListSnapshot => this.snapshot;

  /** Calls `listener` whenever the snapshot changes. */
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Asks for the items up to `index` (and a little beyond) to be read. */
  want(index: number): void {
    this.wanted = Math.max(this.wanted, index + 1);
    // A scroll asks on every row: only a want past what is read (or being read) starts reading,
    // so scrolling through read items publishes nothing and re-renders nothing.
    if (this.pages && this.items.length >= this.wanted + PAGE / 2) return;
    void this.pump();
  }

  /** The position of an item in the list, reading on until it is found (or the list ends). */
  async indexOf(itemId: string): Promise<number> {
    for (;;) {
      const found = this.items.findIndex((item) => item?.id === itemId);
      if (found !== -1 || this.done || this.error) return found;
      this.want(this.items.length + PAGE);
      await new Promise<void>((resolve) => {
        const stop = this.subscribe(() => {
          stop();
          resolve();
        });
      });
    }
  }

  /** Stops reading. */
  dispose(): void {
    this.controller.abort();
  }

  private iterator(pageSize: number): PageIterator<DatasetItemRecord> {
    const { client, query } = this;
    const options = { pageSize, signal: this.controller.signal };
    if (query.query)
      return client
        .getDataset(query.datasetId)
        .queryItems(query.query, { ...options, ...(query.modelRun ? { modelRun: query.modelRun } : {}) });
    return query.sliceId
      ? client.getSlice(query.sliceId).items(options)
      : client.getDataset(query.datasetId).items(options);
  }

  private async pump(): Promise<void> {
    if (this.pumping || this.done || this.error) return;
    this.pumping = true;
    this.publish(true);
    try {
      if (this.query.sort) await this.readAllSorted(this.query.sort);
      else await this.readOnward();
    } catch (error) {
      if (!this.controller.signal.aborted) this.error = error;
    } finally {
      this.pumping = false;
      this.publish(false);
    }
  }

  private async readOnward(): Promise<void> {
    // The first page is small so the grid paints at once; the rest come in large pages.
    if (!this.pages) {
      const first = await this.iterator(FIRST_PAGE).pages().next();
      this.append(first.value ?? []);
      if (first.done || (first.value?.length ?? 0) < FIRST_PAGE) return this.finish();
      this.pages = this.resume();
    }
    while (this.items.length < this.wanted + PAGE / 2 && !this.done) {
      const next = await this.pages.next();
      if (next.done) return this.finish();
      this.append(next.value);
    }
  }

  /** Large pages from where the first page ended: skips the items already read. */
  private async *resume(): AsyncGenerator<DatasetItemRecord[]> {
    let skip = this.items.length;
    for await (const page of this.iterator(PAGE).pages()) {
      const rest = skip >= page.length ? [] : page.slice(skip);
      skip = Math.max(0, skip - page.length);
      if (rest.length > 0) yield rest;
    }
  }

  private async readAllSorted(sort: NonNullable<ListQuery["sort"]>): Promise<void> {
    const all: GridItem[] = [];
    for await (const page of this.iterator(PAGE).pages()) {
      for (const record of page) all.push(toGridItem(record));
      this.read = all.length;
      this.publish(true);
    }
    const sign = sort.descending ? -1 : 1;
    all.sort((a, b) => {
      const c = compareValues(a.metadata[sort.field], b.metadata[sort.field]);
      // Missing values stay last whichever the order.
      const missing = a.metadata[sort.field] == null || b.metadata[sort.field] == null;
      return missing ? c : sign * c;
    });
    this.items = all;
    this.finish();
  }

  private append(records: readonly DatasetItemRecord[]): void {
    for (const record of records) this.items.push(toGridItem(record));
    this.publish(this.pumping);
  }

  private finish(): void {
    this.done = true;
    this.total = this.items.length;
  }

  private makeSnapshot(loading: boolean): ListSnapshot {
    return {
      items: [...this.items],
      total: this.done ? this.items.length : this.total,
      done: this.done,
      error: this.error,
      loading,
      read: Math.max(this.read, this.items.length),
    };
  }

  private publish(loading: boolean): void {
    this.snapshot = this.makeSnapshot(loading);
    for (const listener of this.listeners) listener();
  }
}

const lists = new Map<string, ItemList>();
/** Items a tile was pressed on, by id: the item view shows them before its own read answers. */
const pressed = new Map<string, GridItem>();

/** Notes an item the user is about to open (a pointer went down on its tile). */
export function notePressed(item: GridItem): void {
  pressed.delete(item.id);
  pressed.set(item.id, item);
  // A handful is enough: only the item being opened is looked up.
  for (const old of [...pressed.keys()].slice(0, Math.max(0, pressed.size - 20))) pressed.delete(old);
}

/** An item as a grid list already knows it (a tile pressed, or any list read so far), if any. */
export function knownItem(itemId: string): GridItem | undefined {
  const hit = pressed.get(itemId);
  if (hit) return hit;
  for (const list of lists.values()) {
    const found = list.getSnapshot().items.find((item) => item?.id === itemId);
    if (found) return found;
  }
  return undefined;
}
/** Lists kept for going back (another sort, another slice); older ones are dropped. */
const KEEP_LISTS = 4;

/** The list of a query, shared by the grid and the item view (so previous/next follow the grid). */
export function itemListOf(client: NucleusClient, query: ListQuery, total: number | undefined): ItemList {
  const key = JSON.stringify([
    query.datasetId,
    query.sliceId ?? null,
    query.query ?? "",
    query.query ? (query.modelRun ?? null) : null,
    query.sort ?? null,
  ]);
  let list = lists.get(key);
  if (!list || list.client !== client) {
    list?.dispose();
    list = new ItemList(client, query, query.sliceId || query.query ? undefined : total);
    lists.set(key, list);
    for (const [old, dropped] of [...lists].slice(0, Math.max(0, lists.size - KEEP_LISTS))) {
      dropped.dispose();
      lists.delete(old);
    }
  }
  return list;
}
