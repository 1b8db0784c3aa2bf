import http from "node:http";
import net from "node:net";
import { afterEach } from "vitest";
import { contract } from "../src/contract";
import { freePort } from "../src/engine";

/** Local stand-ins for the service, each misbehaving one way. All listen on 127.0.0.1 only. */

const openServers: net.Server[] = [];
const openSockets = new Set<net.Socket>();
const pendingTimers: NodeJS.Timeout[] = [];

afterEach(async () => {
  for (const timer of pendingTimers.splice(0)) clearTimeout(timer);
  for (const socket of openSockets) socket.destroy();
  openSockets.clear();
  await Promise.all(openServers.splice(0).map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
});

function track<T extends net.Server>(server: T): T {
  server.on("connection", (socket: net.Socket) => {
    openSockets.add(socket);
    socket.on("close", () => openSockets.delete(socket));
  });
  openServers.push(server);
  return server;
}

async function listen(server: net.Server, port = 0): Promise<string> {
  track(server);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const address = server.address() as net.AddressInfo;
  return `http://127.0.0.1:${address.port}`;
}

type Handler = (request: http.IncomingMessage, response: http.ServerResponse) => void;

/** Answers `/` and `/hello` as the contract says, 404 elsewhere. */
export const honourContract: Handler = (request, response) => {
  const endpoint = [contract.readiness, contract.liveness].find((e) => e.path === request.url);
  if (!endpoint) {
    response.writeHead(404).end("not found");
    return;
  }
  response.writeHead(endpoint.status, { "content-type": "text/plain" }).end(endpoint.body);
};

export const httpServer = (handler: Handler): Promise<string> => listen(http.createServer({ keepAlive: false }, handler));

export const contractServer = (): Promise<string> => httpServer(honourContract);

/** A port nobody listens on. */
export const refusingUrl = async (): Promise<string> => `http://127.0.0.1:${await freePort()}`;

/** Accepts TCP, then resets: what publishing the wrong container port looks like from outside. */
export const resettingServer = (): Promise<string> =>
  listen(net.createServer((socket) => socket.once("data", () => socket.resetAndDestroy())));

/** Accepts TCP and never answers. */
export const hangingServer = (): Promise<string> => listen(net.createServer(() => {}));

export const statusServer = (status: number, body: string): Promise<string> =>
  httpServer((_request, response) => response.writeHead(status).end(body));

/** Answers every path with 200 and this body. */
export const bodyServer = (body: string): Promise<string> => statusServer(200, body);

/** Refuses connections until `afterMs`, then honours the contract on the same port. */
export async function recoveringUrl(afterMs: number): Promise<string> {
  const port = await freePort();
  pendingTimers.push(setTimeout(() => void listen(http.createServer(honourContract), port), afterMs));
  return `http://127.0.0.1:${port}`;
}

/** Honours the contract only for requests whose Host header is one of `hosts`; 404 otherwise. */
export const virtualHostServer = (hosts: readonly string[]): Promise<string> =>
  httpServer((request, response) => {
    if (!hosts.includes(request.headers.host ?? "")) {
      response.writeHead(404).end(`no route for host ${request.headers.host}`);
      return;
    }
    honourContract(request, response);
  });
