/**
 * Kubernetes resource quantities ("500m", "0.5", "128Mi", "1G", "1e3"), enough to add them up and
 * compare them when the stack sizes a tenant's quota from its chart values.
 */

const SUFFIX: Readonly<Record<string, number>> = {
  "": 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const QUANTITY = /^((?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(n|u|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?)$/;

/**
 * The quantity in base units (cores, bytes), or undefined when it is not a non-negative Kubernetes
 * quantity (the chart's values.schema.json admits the same set).
 */
export function parseQuantity(quantity: string): number | undefined {
  const match = QUANTITY.exec(quantity.trim());
  if (!match) return undefined;
  const [, number = "", exponent, suffix = ""] = match;
  const value = Number(number) * (exponent ? 10 ** Number(exponent.slice(1)) : (SUFFIX[suffix] ?? Number.NaN));
  return Number.isFinite(value) ? value : undefined;
}

/** Cores as whole millicores, rounded up: "2", "4500m". */
export function formatCpu(cores: number): string {
  const milli = Math.ceil(Math.round(cores * 1e6) / 1e3);
  return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}

/** Bytes rounded up to whole mebibytes: "8Gi", "1536Mi". */
export function formatMemory(bytes: number): string {
  const mebi = Math.ceil(bytes / 2 ** 20);
  return mebi % 1024 === 0 ? `${mebi / 1024}Gi` : `${mebi}Mi`;
}
