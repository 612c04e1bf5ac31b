import type { Ctx } from "./context.js";

/** Records per page a streamed list reads: each page is a short step of the event loop. */
export const STREAM_PAGE = 1_000;

/**
 * The characters a streamed list encodes at a time (a chunk ends after the entry that reaches
 * it). A page's text in one string can pass 128 KiB, and V8 builds and encodes strings that large
 * about three times slower per byte than small ones.
 */
const CHUNK_CHARS = 16_384;

/** A JSON object with one list streamed a page at a time (see {@link streamedList}). */
export class StreamedList {
  constructor(
    /** The key of the list in the object. */
    readonly key: string,
    /** The list's entries, a page at a time, already in wire form. */
    readonly pages: () => AsyncIterable<readonly unknown[]>,
    /** Keys that follow the list, known once every page was read (a next page's token). */
    readonly trailer?: () => Record<string, unknown>,
  ) {}
}

/**
 * A response `{"<key>": [...]}` whose list is read and sent a page at a time as the client takes
 * it, so a list of any length neither holds the event loop nor sits whole in memory; `trailer`
 * gives keys that follow the list (`{"data": [...], "nextPageToken": ...}`). Return it from a
 * route handler in place of the object (typed as the route's response).
 *
 * @example
 * ```ts
 * return streamedList<ContractResponse<typeof routes.datasetItems>>("dataset_items", pagesOfItems);
 * ```
 */
export function streamedList<R>(
  key: string,
  pages: () => AsyncIterable<readonly unknown[]>,
  trailer?: () => Record<string, unknown>,
): R {
  return new StreamedList(key, pages, trailer) as unknown as R;
}

/** Sends a {@link StreamedList} as chunked JSON; pages are read only as the client reads. */
export function streamResponse(c: Ctx, list: StreamedList): Response {
  const encoder = new TextEncoder();
  let iterator: AsyncIterator<readonly unknown[]> | undefined;
  let first = true;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(`{${JSON.stringify(list.key)}:[`));
    },
    async pull(controller) {
      iterator ??= list.pages()[Symbol.asyncIterator]();
      // A pull must enqueue something, or the stream would wait for a pull that never comes.
      for (;;) {
        const next = await iterator.next();
        if (next.done) {
          const trailer = list.trailer ? JSON.stringify(list.trailer()).slice(1, -1) : "";
          controller.enqueue(encoder.encode(trailer ? `],${trailer}}` : "]}"));
          controller.close();
          return;
        }
        if (next.value.length === 0) continue;
        let text = "";
        for (const entry of next.value) {
          text += first ? JSON.stringify(entry) : `,${JSON.stringify(entry)}`;
          first = false;
          if (text.length >= CHUNK_CHARS) {
            controller.enqueue(encoder.encode(text));
            text = "";
          }
        }
        if (text.length > 0) controller.enqueue(encoder.encode(text));
        return;
      }
    },
    async cancel() {
      await iterator?.return?.();
    },
  });
  return c.body(body, 200, { "content-type": "application/json" });
}
