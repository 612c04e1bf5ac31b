import type { IncomingMessage } from "node:http";
import type { NativeReply, NativeRequest } from "./platform.js";

type Http = typeof import("node:http");
type Https = typeof import("node:https");
type Zlib = typeof import("node:zlib");

/**
 * A module loaded once, when first used: importing the client stays cheap, and a client of an
 * `http:` endpoint never loads TLS.
 */
function lazy<M>(load: () => Promise<M>): () => Promise<M> {
  let loaded: Promise<M> | undefined;
  return () => {
    loaded ??= load();
    return loaded;
  };
}

const http = lazy<Http>(() => import("node:http"));
const https = lazy<Https>(() => import("node:https"));
const zlib = lazy<Zlib>(() => import("node:zlib"));

/** Connections are kept open between requests; an idle one does not keep the process alive. */
const agents = new Map<Http | Https, import("node:http").Agent>();

/**
 * Sends one request with Node's `http` module and reads the whole response body. Node's `fetch`
 * costs about twice the CPU per response (a listing of 100k items: 1.0 s of client CPU against
 * 0.5 s) and holds more memory while it reads, through the web streams it is built on.
 */
export async function sendNative(url: string, init: NativeRequest): Promise<NativeReply> {
  const client = url.startsWith("https:") ? await https() : await http();
  let agent = agents.get(client);
  if (!agent) {
    // An idle connection is closed after 4 s, before servers commonly close theirs (Node's after 5 s).
    agent = new client.Agent({ keepAlive: true, timeout: 4_000 });
    agents.set(client, agent);
  }
  return attempt(client, agent, url, init, true);
}

function attempt(
  client: Http | Https,
  agent: import("node:http").Agent,
  url: string,
  init: NativeRequest,
  mayResend: boolean,
): Promise<NativeReply> {
  return new Promise((resolve, reject) => {
    const body = init.body;
    // Node sends no length of its own for the body of a DELETE (nor chunks it): set it always.
    const length =
      body === undefined ? undefined : typeof body === "string" ? Buffer.byteLength(body) : body.byteLength;
    const request = client.request(url, {
      method: init.method,
      headers: length === undefined ? init.headers : { ...init.headers, "content-length": String(length) },
      agent,
      signal: init.signal,
    });
    let responded = false;
    request.once("response", (response) => {
      responded = true;
      resolve(replyOf(response));
    });
    let failed = false;
    // Listened to for good: a request may fail more than once (its socket, then its response).
    request.on("error", (error: NodeJS.ErrnoException) => {
      if (failed) return;
      failed = true;
      // A kept-alive connection that the server closed while it was idle fails as soon as it is
      // written to, before the server saw anything: sent once more on a new connection. A failure
      // once the response began is the body's (see `collect`), never a reason to send again.
      if (responded) return;
      if (mayResend && request.reusedSocket && error.code === "ECONNRESET" && !init.signal.aborted) {
        resolve(attempt(client, agent, url, init, false));
      } else reject(error);
    });
    request.end(body);
  });
}

/** A response whose body is read from the start, so that nothing waits on the reader. */
function replyOf(response: IncomingMessage): NativeReply {
  const status = response.statusCode ?? 0;
  let text: Promise<string> | undefined = readText(response);
  // Marked handled: a caller that reads no body (none does) would never hear of its failure.
  text.catch(() => {});
  let headers: Headers | undefined;
  return {
    status,
    ok: status >= 200 && status < 300,
    get headers() {
      headers ??= headersOf(response);
      return headers;
    },
    text: () => {
      const body = text ?? Promise.reject(new TypeError("the body was already read"));
      text = undefined;
      return body;
    },
  };
}

async function readText(response: IncomingMessage): Promise<string> {
  const encoding = String(response.headers["content-encoding"] ?? "identity").toLowerCase();
  if (encoding === "identity") return collect(response, response);
  // Asked for no encoding, but a proxy may still send one: decoded as fetch would.
  const { createBrotliDecompress, createGunzip, createInflate } = await zlib();
  const decoder =
    encoding === "gzip" || encoding === "x-gzip"
      ? createGunzip()
      : encoding === "deflate"
        ? createInflate()
        : encoding === "br"
          ? createBrotliDecompress()
          : undefined;
  if (!decoder) return collect(response, response);
  response.on("error", (error) => decoder.destroy(error));
  return collect(response, response.pipe(decoder));
}

/** The text of a body, read from `source` (the response or its decoder). */
function collect(response: IncomingMessage, source: NodeJS.ReadableStream): Promise<string> {
  // The listeners stay on the response, which the connection may keep for a while: they reach
  // the promise only through `settle`, dropped once it is settled, so that a body's text (often
  // larger than V8's large-object threshold) is not kept alive past its reader.
  let settle: { resolve: (text: string) => void; reject: (error: Error) => void } | undefined;
  const text = new Promise<string>((resolve, reject) => {
    settle = { resolve, reject };
  });
  const fail = (error: Error) => {
    const waiting = settle;
    settle = undefined;
    waiting?.reject(error);
  };
  // Decoded as it comes: each buffer read from the socket is dropped at once rather than kept
  // to the body's end (a listing of 100k export rows peaked at 22 MB of such buffers, 10 MB
  // decoded this way).
  source.setEncoding("utf8");
  let pieces: string[] = [];
  source.on("data", (piece: string) => pieces.push(piece));
  source.on("error", fail);
  source.once("end", () => {
    const body = pieces.length === 1 ? (pieces[0] as string) : pieces.join("");
    pieces = [];
    const waiting = settle;
    settle = undefined;
    // As fetch's `text()`: a byte order mark is not part of the text.
    waiting?.resolve(body.charCodeAt(0) === 0xfeff ? body.slice(1) : body);
  });
  // A connection closed before the body's end: an error, not a shorter body.
  response.once("close", () => {
    if (!response.complete) fail(new Error("the connection closed before the response's end"));
  });
  return text;
}

function headersOf(response: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(response.headers)) {
    if (Array.isArray(value)) for (const entry of value) headers.append(name, entry);
    else if (value !== undefined) headers.set(name, value);
  }
  return headers;
}
