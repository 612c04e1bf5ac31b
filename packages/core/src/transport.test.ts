/**
 * Retry, backoff, Retry-After, timeout and abort behaviour, with an injected fetch (these are
 * transport unit tests; everything else runs against the real server in apps/examples).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { NucleusClient } from "./client.js";
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  ConfigurationError,
  InternalServerError,
  NotFoundError,
  RateLimitError,
} from "./errors.js";
import { retryAfterMs, retryDelayMs } from "./internal/retry.js";
import { prepareAnnotations, prepareItems } from "./uploads.js";

type Handler = (request: Request, attempt: number) => Response | Promise<Response>;

function scripted(handler: Handler) {
  const requests: Request[] = [];
  const fetch = vi.fn(async (input: string | URL | Request, init?: RequestInit) => {
    const request = new Request(input, init);
    requests.push(request);
    return handler(request, requests.length - 1);
  });
  return { fetch: fetch as unknown as typeof globalThis.fetch, requests };
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

const client = (fetch: typeof globalThis.fetch, extra: Record<string, unknown> = {}) =>
  new NucleusClient({ apiKey: "secret-key", endpoint: "http://nucleus.test/v1/nucleus", fetch, ...extra });

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("retries", () => {
  it("retry 5xx and 429 on safe requests with backoff, then succeed", async () => {
    const { fetch, requests } = scripted((_r, attempt) =>
      attempt === 0
        ? json({ error: "busy" }, 503)
        : attempt === 1
          ? json({ error: "slow down" }, 429)
          : json([]),
    );
    const pending = client(fetch).listDatasets();
    await vi.runAllTimersAsync();
    await expect(pending).resolves.toEqual([]);
    expect(requests).toHaveLength(3);
  });

  it("wait what Retry-After asks", async () => {
    const { fetch, requests } = scripted((_r, attempt) =>
      attempt === 0 ? json({ error: "later" }, 429, { "retry-after": "7" }) : json([]),
    );
    const pending = client(fetch).listDatasets();
    await vi.advanceTimersByTimeAsync(6_900);
    expect(requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(200);
    await expect(pending).resolves.toEqual([]);
    expect(requests).toHaveLength(2);
  });

  it("give up after maxRetries with the last error, typed by status", async () => {
    const { fetch, requests } = scripted(() => json({ error: "down for maintenance" }, 500));
    const pending = client(fetch, { maxRetries: 2 }).listDatasets();
    const assertion = expect(pending).rejects.toThrow(InternalServerError);
    await vi.runAllTimersAsync();
    await assertion;
    expect(requests).toHaveLength(3);
  });

  it("never retry a request that is not safe to repeat", async () => {
    const { fetch, requests } = scripted(() => json({ error: "oops" }, 502));
    const pending = client(fetch).createDataset("d");
    const assertion = expect(pending).rejects.toThrow(InternalServerError);
    await vi.runAllTimersAsync();
    await assertion;
    expect(requests).toHaveLength(1);
  });

  it("retry uploads keyed by reference id, which are safe to repeat", async () => {
    const { fetch, requests } = scripted((_r, attempt) =>
      attempt < 2
        ? json({ error: "busy" }, 503)
        : json({ dataset_id: "ds_1", new_items: 1, updated_items: 0, ignored_items: 0, upload_errors: 0 }),
    );
    const pending = client(fetch)
      .getDataset("ds_1")
      .append([{ imageUrl: "s3://b/1.jpg", referenceId: "r1" }]);
    await vi.runAllTimersAsync();
    await expect(pending).resolves.toMatchObject({ newItems: 1 });
    expect(requests).toHaveLength(3);
  });

  it("let one call set its own retries: maxRetries 0 makes exactly one attempt", async () => {
    const { fetch, requests } = scripted(() => json({ error: "busy" }, 503));
    const upload = client(fetch, { maxRetries: 5 })
      .getDataset("ds_1")
      .append([{ imageUrl: "s3://b/1.jpg", referenceId: "r1" }], { maxRetries: 0 });
    const assertion = expect(upload).rejects.toThrow(InternalServerError);
    await vi.runAllTimersAsync();
    await assertion;
    expect(requests).toHaveLength(1);

    const read = client(fetch, { maxRetries: 0 }).listDatasets({ maxRetries: 1 });
    const readAssertion = expect(read).rejects.toThrow(InternalServerError);
    await vi.runAllTimersAsync();
    await readAssertion;
    expect(requests).toHaveLength(3);
  });

  it("refuse a per-call maxRetries that is not a count", async () => {
    const { fetch, requests } = scripted(() => json([]));
    await expect(client(fetch).listDatasets({ maxRetries: -1 })).rejects.toThrow(ConfigurationError);
    expect(requests).toHaveLength(0);
  });

  it("do not retry client errors", async () => {
    const { fetch, requests } = scripted(() => json({ error: "Dataset ds_x not found" }, 404));
    await expect(client(fetch).getDataset("ds_x").info()).rejects.toThrow(NotFoundError);
    expect(requests).toHaveLength(1);
  });

  it("retry dropped connections, then report them", async () => {
    const { fetch, requests } = scripted(() => {
      throw new TypeError("fetch failed");
    });
    const pending = client(fetch, { maxRetries: 1 }).listDatasets();
    const assertion = expect(pending).rejects.toThrow(APIConnectionError);
    await vi.runAllTimersAsync();
    await assertion;
    expect(requests).toHaveLength(2);
  });
});

const hanging: Handler = (request) =>
  new Promise((_resolve, reject) => {
    request.signal.addEventListener("abort", () => reject(request.signal.reason));
  });

describe.each([
  ["a JSON request (through ky)", (c: NucleusClient, signal?: AbortSignal) => c.listDatasets({ signal })],
  [
    "a prepared batch (a ready body, straight to fetch)",
    (c: NucleusClient, signal?: AbortSignal) =>
      c
        .getDataset("ds_1")
        .append(prepareItems([{ imageUrl: "s3://b/1.jpg", referenceId: "r1" }]), { signal }),
  ],
])("timeouts and aborts of %s", (_kind, call) => {
  it("time out each attempt and raise a timeout error", async () => {
    const { fetch, requests } = scripted(hanging);
    const pending = call(client(fetch, { timeout: 1_000, maxRetries: 1 }));
    const assertion = expect(pending).rejects.toThrow(APIConnectionTimeoutError);
    await vi.runAllTimersAsync();
    await assertion;
    expect(requests).toHaveLength(2);
  });

  it("raise a timeout error when fetch rejects with a plain AbortError", async () => {
    const { fetch } = scripted(
      (request) =>
        new Promise((_resolve, reject) => {
          request.signal.addEventListener("abort", () =>
            reject(new DOMException("This operation was aborted", "AbortError")),
          );
        }),
    );
    const pending = call(client(fetch, { timeout: 1_000, maxRetries: 0 }));
    const assertion = expect(pending).rejects.toThrow(APIConnectionTimeoutError);
    await vi.runAllTimersAsync();
    await assertion;
  });

  it("stop at once when the caller aborts", async () => {
    const { fetch } = scripted(hanging);
    const controller = new AbortController();
    const pending = call(client(fetch), controller.signal);
    const assertion = expect(pending).rejects.toThrow(APIUserAbortError);
    controller.abort();
    await vi.runAllTimersAsync();
    await assertion;
  });
});

describe("prepared batches (sent as a ready body, not through ky)", () => {
  const items = [
    { imageUrl: "s3://b/1.jpg", referenceId: "r1", metadata: { split: "train" } },
    { imageUrl: "s3://b/2.jpg", referenceId: "r2" },
  ];
  const appended = json({
    dataset_id: "ds_1",
    new_items: 2,
    updated_items: 0,
    ignored_items: 0,
    upload_errors: 0,
  });

  it("send the same bytes and headers as an unprepared upload", async () => {
    vi.useRealTimers();
    const { fetch, requests } = scripted(() => appended.clone());
    const dataset = client(fetch).getDataset("ds_1");
    await dataset.append(items, { update: true, idempotencyKey: "k" });
    await dataset.append(prepareItems(items), { update: true, idempotencyKey: "k" });
    const boxes = [
      {
        type: "box" as const,
        label: "car",
        referenceId: "r1",
        geometry: { x: 1, y: 2, width: 3, height: 4 },
      },
    ];
    const annotated = json({ dataset_id: "ds_1", annotations_processed: 1, annotations_ignored: 0 });
    const labels = scripted(() => annotated.clone());
    const labelled = client(labels.fetch).getDataset("ds_1");
    await labelled.annotate(boxes);
    await labelled.annotate(prepareAnnotations(boxes));

    for (const [plain, prepared] of [
      [requests[0], requests[1]],
      [labels.requests[0], labels.requests[1]],
    ] as const) {
      const body = await plain?.text();
      expect(body).toMatch(/"reference_id":"r1"/);
      expect(await prepared?.text()).toBe(body);
      expect(Object.fromEntries(prepared?.headers ?? [])).toEqual(Object.fromEntries(plain?.headers ?? []));
      expect(prepared?.url).toBe(plain?.url);
    }
    expect(requests).toHaveLength(2);
    expect(labels.requests).toHaveLength(2);
  });
});

describe("errors and configuration", () => {
  it("carry the server's message, the method and URL, never the key", async () => {
    vi.useRealTimers();
    const { fetch } = scripted(() => json({ error: "Unknown API key" }, 401, { "x-request-id": "req_1" }));
    const error = await client(fetch)
      .listDatasets()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).message).toBe(
      "401 Unknown API key (GET http://nucleus.test/v1/nucleus/dataset/details)",
    );
    expect((error as AuthenticationError).requestId).toBe("req_1");
    expect(JSON.stringify(error)).not.toContain("secret-key");
    expect(String((error as Error).stack)).not.toContain("secret-key");
  });

  it("send Basic auth with an empty password, or the limited access key instead", async () => {
    vi.useRealTimers();
    const basic = scripted(() => json([]));
    await client(basic.fetch).listDatasets();
    expect(basic.requests[0]?.headers.get("authorization")).toBe(`Basic ${btoa("secret-key:")}`);
    const limited = scripted(() => json([]));
    await new NucleusClient({
      limitedAccessKey: "lak",
      endpoint: "http://x/v1/nucleus",
      fetch: limited.fetch,
    }).listDatasets();
    expect(limited.requests[0]?.headers.get("x-limited-access-key")).toBe("lak");
    expect(limited.requests[0]?.headers.get("authorization")).toBeNull();
  });

  it("need no key for a browser session", () => {
    const saved = process.env.NUCLEUS_API_KEY;
    delete process.env.NUCLEUS_API_KEY;
    try {
      expect(new NucleusClient({ auth: { session: true }, endpoint: "http://x/v1/nucleus" }).endpoint).toBe(
        "http://x/v1/nucleus",
      );
    } finally {
      if (saved !== undefined) process.env.NUCLEUS_API_KEY = saved;
    }
  });

  it("name the option and the variable when there is no key", () => {
    const saved = process.env.NUCLEUS_API_KEY;
    delete process.env.NUCLEUS_API_KEY;
    try {
      expect(() => new NucleusClient()).toThrow(
        new ConfigurationError(
          "No API key: pass the apiKey option (or limitedAccessKey, or auth for a browser session), or set the NUCLEUS_API_KEY environment variable",
        ),
      );
    } finally {
      if (saved !== undefined) process.env.NUCLEUS_API_KEY = saved;
    }
  });

  it("read the key and endpoint from the environment, options first", () => {
    const saved = { key: process.env.NUCLEUS_API_KEY, endpoint: process.env.NUCLEUS_ENDPOINT };
    process.env.NUCLEUS_API_KEY = "from-env";
    process.env.NUCLEUS_ENDPOINT = "http://env.test/v1/nucleus/";
    try {
      expect(new NucleusClient().endpoint).toBe("http://env.test/v1/nucleus");
      expect(new NucleusClient({ endpoint: "http://opt.test/v1/nucleus" }).endpoint).toBe(
        "http://opt.test/v1/nucleus",
      );
    } finally {
      for (const [name, value] of [
        ["NUCLEUS_API_KEY", saved.key],
        ["NUCLEUS_ENDPOINT", saved.endpoint],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it("reject both keys, unknown options and bad numbers", () => {
    expect(() => new NucleusClient({ apiKey: "a", limitedAccessKey: "b" })).toThrow(
      /one of apiKey, limitedAccessKey or auth/,
    );
    expect(() => new NucleusClient({ apiKey: "a", auth: { session: true } })).toThrow(
      /one of apiKey, limitedAccessKey or auth/,
    );
    expect(() => new NucleusClient({ apiKey: "a", retries: 3 } as never)).toThrow(
      /Unknown NucleusClient option retries/,
    );
    expect(() => new NucleusClient({ apiKey: "a", timeout: -1 })).toThrow(
      /timeout must be a non-negative integer/,
    );
  });

  it("map statuses to classes", async () => {
    vi.useRealTimers();
    for (const [status, Class] of [
      [400, BadRequestError],
      [429, RateLimitError],
    ] as const) {
      const { fetch } = scripted(() => json({ error: "x" }, status));
      await expect(client(fetch, { maxRetries: 0 }).listDatasets()).rejects.toBeInstanceOf(Class);
    }
  });
});

describe("retry delays", () => {
  it("grow exponentially from 0.5 s to a cap of 8 s, with at most 25% jitter off", () => {
    expect(retryDelayMs(0, null, () => 0)).toBe(500);
    expect(retryDelayMs(3, null, () => 0)).toBe(4_000);
    expect(retryDelayMs(10, null, () => 0)).toBe(8_000);
    expect(retryDelayMs(1, null, () => 1)).toBe(750);
  });

  it("honour Retry-After in seconds or as a date, within a minute", () => {
    expect(retryAfterMs("2")).toBe(2_000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(retryAfterMs("3600")).toBeUndefined();
    expect(retryAfterMs("soon")).toBeUndefined();
    expect(retryDelayMs(5, "1", () => 0)).toBe(1_000);
  });
});
