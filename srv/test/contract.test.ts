import { describe, expect, it } from "vitest";
import { bodyAccepted, contract, normalizeBody } from "../src/contract";

// What the real image answered, as captured with `curl -v` (github.com/davidjeddy/gradyent-practical,
// commit 50bc54d, imgs/03-curl-response.png and imgs/05-https-curl-response.png): these numbers are read
// off the screenshots, not derived from the contract, so a wrong edit of the contract fails here.
const captured = {
  readiness: { contentType: "text/plain; charset=utf-8", contentLength: 2, shown: "ok" },
  liveness: { contentType: "text/plain; charset=utf-8", contentLength: 7, shown: "world!" },
};

describe("the contract's bodies", () => {
  it.each(["readiness", "liveness"] as const)("%s: the served body is what the real image answered, byte for byte", (name) => {
    const { served } = contract[name];
    expect(served.contentType).toBe(captured[name].contentType);
    expect(served.contentLength).toBe(captured[name].contentLength);
    expect(Buffer.byteLength(served.body)).toBe(captured[name].contentLength);
    expect(served.body.trimEnd()).toBe(captured[name].shown);
  });

  it("keeps the assignment's documented bodies too", () => {
    expect(contract.readiness.documented.body).toBe("OK");
    expect(contract.liveness.documented.body).toBe("world");
  });
});

describe("the matching rule", () => {
  it.each([
    ["readiness", "ok"],
    ["readiness", "OK"],
    ["readiness", "Ok\r\n"],
    ["readiness", " \t ok \n"],
    ["liveness", "world!\n"],
    ["liveness", "world"],
    ["liveness", "World!"],
    ["liveness", "\nWORLD\n"],
  ] as const)("%s accepts %j", (name, body) => {
    expect(bodyAccepted(contract[name], body)).toBe(true);
  });

  it.each([
    ["readiness", "hello"],
    ["readiness", ""],
    ["readiness", "   \n"],
    ["readiness", "okay"],
    ["readiness", "ok!"],
    ["readiness", "o k"],
    ["readiness", "ok\nok"],
    ["readiness", '<html><head><title>404 Not Found</title></head><body>404 page not found</body></html>'],
    ["readiness", "world!"],
    // U+212A KELVIN SIGN lower-cases to "k" in Unicode; the rule folds ASCII only, like the helm test pod.
    ["readiness", "o\u212A"],
    // A no-break space is whitespace to String.prototype.trim, not to the rule (nor to sh in the C locale).
    ["readiness", "\u00a0ok"],
    ["liveness", "world peace"],
    ["liveness", "world!!"],
    ["liveness", "hello"],
    ["liveness", "ok"],
    ["liveness", ""],
  ] as const)("%s refuses %j", (name, body) => {
    expect(bodyAccepted(contract[name], body)).toBe(false);
  });

  it("accepts both the served and the documented body of each endpoint, and lists its forms in normal form", () => {
    for (const endpoint of [contract.readiness, contract.liveness]) {
      expect(bodyAccepted(endpoint, endpoint.served.body)).toBe(true);
      expect(bodyAccepted(endpoint, endpoint.documented.body)).toBe(true);
      for (const form of endpoint.accepted) expect(normalizeBody(form)).toBe(form);
    }
  });
});
