// A TCP proxy on loopback that holds every piece of data for half a round trip in each
// direction, so a request and its answer take one simulated RTT more than they would. It runs
// in its own process (the bench starts it) so its work is not counted as the client's CPU.
//
// Usage: node delay-proxy.mjs UPSTREAM_PORT RTT_MS; prints {"port": N} once it listens.
// TCP handshakes are not delayed; HTTP keep-alive makes them rare anyway.

import { connect, createServer } from "node:net";

const [upstreamPort, rttMs] = process.argv.slice(2).map(Number);
const oneWay = rttMs / 2;

/** Copies `from` to `to`, each piece `oneWay` ms late. Timers of one duration fire in order. */
function relay(from, to) {
  from.on("data", (piece) =>
    setTimeout(() => {
      if (!to.destroyed) to.write(piece);
    }, oneWay),
  );
  from.on("end", () => setTimeout(() => to.end(), oneWay));
  from.on("error", () => to.destroy());
  from.on("close", () => setTimeout(() => to.destroy(), oneWay + 1));
}

const server = createServer((client) => {
  const upstream = connect({ host: "127.0.0.1", port: upstreamPort });
  client.setNoDelay(true);
  upstream.setNoDelay(true);
  relay(client, upstream);
  relay(upstream, client);
});
server.listen(0, "127.0.0.1", () => {
  console.log(JSON.stringify({ port: server.address().port }));
});
process.on("SIGTERM", () => process.exit(0));
