import { existsSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { NucleusClient } from "@nucleus/core";
import { type Connection, isLocal, resolveConnection, resolveEndpoint } from "./config.js";
import type { Io } from "./output.js";

/** A server opened in this process on a data folder, when no server answered on this machine. */
let embedded: { idle(): Promise<void>; close(): Promise<void> } | undefined;

/** True when something accepts connections at the endpoint's host and port. */
function listening(endpoint: string): Promise<boolean> {
  const url = new URL(endpoint);
  const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
  return new Promise((resolve) => {
    const socket = connect({ host: url.hostname.replace(/^\[|\]$/g, ""), port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/**
 * A fetch for a local endpoint: over the network when a server listens there; otherwise, when
 * the data folder exists, answered by that folder opened in this process, so `nu` works on a data
 * folder without a server running. Decided once, at the first request.
 */
function localFallbackFetch(connection: Connection, io: Io): typeof fetch {
  let route: Promise<typeof fetch> | undefined;
  const choose = async (): Promise<typeof fetch> => {
    if ((await listening(connection.endpoint)) || !existsSync(join(connection.dataDir, "nucleus.sqlite")))
      return fetch;
    const { createNucleusApp } = await import("@nucleus/server");
    const server = createNucleusApp({ dataDir: connection.dataDir, apiKeys: [connection.apiKey] });
    embedded = server;
    io.err(`(no server at ${new URL(connection.endpoint).host}: reading ${connection.dataDir} directly)\n`);
    return async (input, init) => server.app.fetch(new Request(input, init));
  };
  return async (input, init) => {
    route ??= choose();
    return (await route)(input, init);
  };
}

/** The local endpoint looked at before the command ran, and whether a server listened there. */
let probed: { endpoint: string; listening: boolean } | undefined;

/**
 * Looks, before a command runs, whether a server listens at the local endpoint the flags name.
 * A client of a listening server then sends with the SDK's own transport (in Node, the `http`
 * module, about half the CPU of `fetch` a response); only a client of a data folder without a
 * server needs the fallback's `fetch`.
 */
export async function probeLocal(flags: Record<string, unknown>, io: Io): Promise<void> {
  let endpoint: string;
  try {
    endpoint = resolveEndpoint(flags, io);
  } catch {
    // An unreadable config file is reported by the command, if it needs one.
    return;
  }
  if (isLocal(endpoint)) probed = { endpoint, listening: await listening(endpoint) };
}

/** A client for the resolved connection. */
export function clientFor(flags: Record<string, unknown>, io: Io): NucleusClient {
  const connection = resolveConnection(flags, io);
  const { endpoint, apiKey } = connection;
  const served = probed?.endpoint === endpoint && probed.listening;
  return isLocal(endpoint) && !served
    ? new NucleusClient({ apiKey, endpoint, fetch: localFallbackFetch(connection, io) })
    : new NucleusClient({ apiKey, endpoint });
}

/** Lets the data folder opened in this process finish its jobs, then closes it. */
export async function closeLocal(): Promise<void> {
  const server = embedded;
  embedded = undefined;
  if (!server) return;
  await server.idle();
  await server.close();
}
