import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createServer } from "@nucleus/server";
import type { Command } from "../command.js";

/** `nu serve`: the local server, until Ctrl-C. */
export const serveCommand: Command = {
  path: ["serve"],
  summary: "start the local Nucleus server",
  flags: {
    port: { type: "string", description: "port (default 8080; 0 picks a free one)" },
    host: { type: "string", description: "host (default 127.0.0.1)" },
  },
  async run(c) {
    const dataDir = (c.args.flags.data as string | undefined) ?? "./nucleus-data";
    const keyFile = join(dataDir, "api-key");
    let apiKey = c.flag("api-key");
    if (!apiKey) {
      if (existsSync(keyFile)) apiKey = readFileSync(keyFile, "utf8").trim();
      else {
        apiKey = `nuc_${globalThis.crypto.randomUUID().replaceAll("-", "")}`;
        mkdirSync(dataDir, { recursive: true });
        writeFileSync(keyFile, `${apiKey}\n`, { mode: 0o600 });
      }
    }
    const server = await createServer({
      dataDir,
      apiKeys: [apiKey],
      port: Number(c.flag("port") ?? 8080),
      host: c.flag("host") ?? "127.0.0.1",
      logRequests: !c.json,
    });
    if (c.json) c.print({ url: server.url, port: server.port, apiKey, dataDir });
    else c.io.out(`Nucleus server at ${server.url}\nAPI key: ${apiKey}\nData folder: ${dataDir}\n`);
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
    await server.close();
    return 0;
  },
};
