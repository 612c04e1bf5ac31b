import { describe, expect, it } from "vitest";
import type { AnyCodec } from "./contract.js";
import { ErrorResponse } from "./responses.js";
import { type Endpoint, matchEndpoint, NDJSON_LINES } from "./routes.js";
import { canonicalJson, loadWireLog, type WireRecord } from "./test-support.js";

const log = loadWireLog();

/** Parses a body with its codec, then checks both round trips leave it byte-identical. */
function roundTrips(codec: AnyCodec, body: unknown, at: string) {
  const parsed = codec.parse(body, at);
  expect(canonicalJson(parsed)).toBe(canonicalJson(body));
  const domain = codec.fromWire(parsed);
  expect(canonicalJson(codec.toWire(domain))).toBe(canonicalJson(body));
  expect(canonicalJson(codec.fromWire(codec.toWire(domain)))).toBe(canonicalJson(domain));
  return domain;
}

function endpointOf(record: WireRecord): Endpoint {
  const match = matchEndpoint(record.method, record.route, { async: record.query.async?.[0] === "1" });
  if (!match) throw new Error(`seq ${record.seq}: no endpoint for ${record.method} ${record.route}`);
  return match.endpoint;
}

/** The NDJSON PUT of an async upload is typed by the `?async=1` request that follows it. */
function ndjsonCodecOf(record: WireRecord) {
  const next = log.find((r) => r.seq > record.seq && r.query.async?.[0] === "1");
  const jobType = (next?.response.body as { job_type?: keyof typeof NDJSON_LINES } | undefined)?.job_type;
  if (!jobType || !(jobType in NDJSON_LINES)) throw new Error(`seq ${record.seq}: no async request follows`);
  return NDJSON_LINES[jobType];
}

describe("the official client's recorded traffic", () => {
  const api = log.filter((r) => !r.route.startsWith("__upload/"));
  const uploads = log.filter((r) => r.route.startsWith("__upload/"));

  it("is the whole recorded flow", () => {
    expect(log).toHaveLength(86);
    expect(uploads).toHaveLength(3);
  });

  it.each(api.map((r) => [r.seq, r.method, r.route, r] as const))(
    "seq %i %s %s: request and response parse and round-trip",
    (_seq, _method, _route, record) => {
      const endpoint = endpointOf(record);
      if (record.body_kind === "json") {
        expect(endpoint.body, "a JSON body needs a request codec").toBeDefined();
        roundTrips(endpoint.body as AnyCodec, record.body, "body");
      } else if (record.body_kind === "multipart") {
        const parts = record.body as { name: string; json?: unknown }[];
        const jsonParts = parts.filter((part) => part.json !== undefined);
        expect(jsonParts.length).toBeGreaterThan(0);
        for (const part of jsonParts) {
          const codec = endpoint.multipart?.[part.name];
          expect(codec, `multipart part ${part.name}`).toBeDefined();
          roundTrips(codec as AnyCodec, part.json, part.name);
        }
      } else {
        expect(record.body_kind).toBe("empty");
      }
      const responseCodec = record.response.status < 400 ? endpoint.response : ErrorResponse;
      roundTrips(responseCodec, record.response.body, "response");
    },
  );

  it.each(uploads.map((r) => [r.seq, r] as const))(
    "seq %i NDJSON lines parse and round-trip",
    (_seq, record) => {
      const lines = record.body as unknown[];
      expect(lines.length).toBeGreaterThan(0);
      const codec = ndjsonCodecOf(record);
      lines.forEach((line, i) => {
        roundTrips(codec, line, `line ${i}`);
      });
    },
  );
});
