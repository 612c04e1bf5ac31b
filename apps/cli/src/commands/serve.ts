import type { Command } from "../command.js";
import { configuredApiKey, resolveDataDir } from "../config.js";
import { CliError } from "../output.js";

/** `nu serve`: the local server, until Ctrl-C. */
export const serveCommand: Command = {
  path: ["serve"],
  summary: "start the local Nucleus server",
  flags: {
    port: { type: "integer", min: 0, max: 65535, description: "port (default 8080; 0 picks a free one)" },
    host: { type: "string", value: "HOST", description: "host (default 127.0.0.1)" },
  },
  async run(c) {
    const { createServer, ListenError, storedApiKey } = await import("@nucleus/server");
    const dataDir = resolveDataDir(c.args.flags, c.io);
    // A key given or configured wins; otherwise the key kept in the data folder, which the other commands find there.
    const apiKey = c.flag("api-key") ?? configuredApiKey(c.io) ?? storedApiKey(dataDir).key;
    const host = c.flag("host") ?? "127.0.0.1";
    const port = c.integer("port") ?? 8080;
    let server: Awaited<ReturnType<typeof createServer>>;
    try {
      server = await createServer({ dataDir, apiKeys: [apiKey], port, host, logRequests: !c.json });
    } catch (error) {
      if (error instanceof ListenError)
        throw new CliError(
          "Cannot start the server",
          error.message,
          error.code === "EADDRINUSE"
            ? `Pick another port with --port N (0 picks a free one), or use the server already there`
            : "Check --host and --port",
        );
      throw error;
    }
    // A one-time link: the first visit trades it for a browser session, so it is safe to print.
    const loginUrl = server.createLoginUrl();
    if (c.json) c.print({ url: server.url, port: server.port, apiKey, dataDir, loginUrl });
    else
      c.io.out(
        `Nucleus server at ${server.url}\nWeb app: open ${loginUrl}\n  (the link works once; after that, sign in with the API key)\nAPI key: ${apiKey}\nData folder: ${dataDir}\nIn another terminal: nu datasets list --endpoint ${server.url} --data ${dataDir}\nStop it with Ctrl-C.\n`,
      );
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
    await server.close();
    return 0;
  },
};
