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

/** Which of the contract's bodies a stand-in serves: the real image's (the default) or the assignment's text. */
export type Bodies = "served" | "documented";

/**
 * Answers `/` and `/hello` as the real image does, byte for byte: `ok` and `world!\n` with the captured
 * Content-Type and Content-Length (or the documented `OK` / `world`); elsewhere the 404 Go's net/http sends.
 */
export const honourContract =
  (bodies: Bodies = "served"): Handler =>
  (request, response) => {
    const endpoint = [contract.readiness, contract.liveness].find((e) => e.path === request.url);
    if (!endpoint) {
      response.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("404 page not found\n");
      return;
    }
    const body = bodies === "served" ? endpoint.served.body : endpoint.documented.body;
    response
      .writeHead(endpoint.status, { "content-type": endpoint.served.contentType, "content-length": Buffer.byteLength(body) })
      .end(body);
  };

export const httpServer = (handler: Handler): Promise<string> => listen(http.createServer({ keepAlive: false }, handler));

export const contractServer = (bodies: Bodies = "served"): Promise<string> => httpServer(honourContract(bodies));

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
  pendingTimers.push(setTimeout(() => void listen(http.createServer(honourContract()), port), afterMs));
  return `http://127.0.0.1:${port}`;
}

/** Honours the contract only for requests whose Host header is one of `hosts`; 404 otherwise. */
export const virtualHostServer = (hosts: readonly string[]): Promise<string> =>
  httpServer((request, response) => {
    if (!hosts.includes(request.headers.host ?? "")) {
      response.writeHead(404).end(`no route for host ${request.headers.host}`);
      return;
    }
    honourContract()(request, response);
  });

/** Accepts TCP and sends raw bytes, then closes (or resets): for answers no well-behaved server sends. */
export const rawServer = (bytes: string, { reset = false }: { reset?: boolean } = {}): Promise<string> =>
  listen(
    net.createServer((socket) =>
      socket.once("data", () => {
        socket.write(bytes, () => (reset ? socket.resetAndDestroy() : socket.end()));
      }),
    ),
  );

/** Answers 200 with `head`, then streams `chunk` until `totalBytes` bytes are sent (or the client goes away). */
export const streamingServer = (head: string, chunk: string, totalBytes: number): Promise<string> =>
  httpServer((_request, response) => {
    response.writeHead(200, { "content-type": "text/plain" });
    response.write(head);
    let sent = head.length;
    const more = (): void => {
      while (sent < totalBytes && !response.destroyed) {
        sent += chunk.length;
        if (!response.write(chunk)) return void response.once("drain", more);
      }
      response.end();
    };
    response.on("close", () => {
      sent = totalBytes;
    });
    more();
  });

/** `url` with a user name and password in it, as an operator might pass to --url. */
export function urlWithCredentials(url: string, user: string, password: string): string {
  const parsed = new URL(url);
  parsed.username = user;
  parsed.password = password;
  return parsed.href;
}
