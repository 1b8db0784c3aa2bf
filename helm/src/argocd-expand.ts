/**
 * The part of Argo CD's ApplicationSet controller the tests and `pnpm policy` need: expanding a list generator into
 * Applications the way argoproj/argo-cd `applicationset/utils/utils.go` (v3.4.4) does it, for the
 * template subset this project writes. Hand-written because no npm package runs Argo CD's renderer.
 *
 * - `goTemplate: true`: each element's keys are the template's parameters; every string in the
 *   Application template, map keys included (`deeplyReplace`), is rendered as a Go template.
 * - Only actions of the form `{{ .key }}` are implemented; anything else throws, so a template that
 *   starts using functions (sprig, `toJson`) fails here until this grows with it.
 * - `missingkey=error` (the option the ApplicationSet sets): a key the element lacks is an error.
 * - `RenderTemplateParams`: an Application with no finalizers gets `resources-finalizer.argocd.argoproj.io`
 *   unless the ApplicationSet's `syncPolicy.preserveResourcesOnDeletion` is true.
 */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Application = { metadata: { name: string; labels: Record<string, string>; finalizers?: string[] } & Record<string, Json>; spec: Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any

export const RESOURCES_FINALIZER = "resources-finalizer.argocd.argoproj.io";

export function renderGoTemplate(text: string, params: Readonly<Record<string, unknown>>, missingKeyError: boolean): string {
  return text.replace(/\{\{(-?)\s*(.*?)\s*(-?)\}\}/g, (_whole, _trimLeft: string, action: string) => {
    const field = /^\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(action);
    if (!field) throw new Error(`template action {{ ${action} }} is outside the subset this expander implements`);
    const key = field[1] as string;
    if (!(key in params)) {
      if (missingKeyError) throw new Error(`map has no entry for key "${key}"`);
      return "<no value>";
    }
    const value = params[key];
    if (typeof value !== "string") throw new Error(`parameter ${key} is not a string; this expander prints strings only`);
    return value;
  });
}

function deeplyReplace(value: Json, params: Readonly<Record<string, unknown>>, missingKeyError: boolean): Json {
  if (typeof value === "string") return renderGoTemplate(value, params, missingKeyError);
  if (Array.isArray(value)) return value.map((v) => deeplyReplace(v, params, missingKeyError));
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [renderGoTemplate(k, params, missingKeyError), deeplyReplace(v, params, missingKeyError)]),
    );
  }
  return value;
}

/** The Applications an ApplicationSet with one list generator produces, in element order. */
export function expandListGenerator(applicationSet: Record<string, any>): Application[] { // eslint-disable-line @typescript-eslint/no-explicit-any
  const spec = applicationSet.spec;
  if (spec.goTemplate !== true) throw new Error("only goTemplate: true is implemented");
  const generators = spec.generators as { list?: { elements: Record<string, unknown>[] } }[];
  if (generators.length !== 1 || !generators[0]?.list) throw new Error("only a single list generator is implemented");
  const missingKeyError = ((spec.goTemplateOptions ?? []) as string[]).includes("missingkey=error");
  const preserve = spec.syncPolicy?.preserveResourcesOnDeletion === true;
  return generators[0].list.elements.map((element) => {
    const app = deeplyReplace(spec.template as Json, element, missingKeyError) as unknown as Application;
    if (!preserve && (app.metadata.finalizers ?? []).length === 0) app.metadata.finalizers = [RESOURCES_FINALIZER];
    return app;
  });
}

/** Which RollingSync step selects an Application (`matchExpressions`, In/NotIn over its labels), or -1. */
export function rollingSyncStep(applicationSet: Record<string, any>, app: Application): number { // eslint-disable-line @typescript-eslint/no-explicit-any
  const steps = applicationSet.spec.strategy.rollingSync.steps as { matchExpressions: { key: string; operator: string; values: string[] }[] }[];
  return steps.findIndex((step) =>
    step.matchExpressions.every((e) => {
      const label = app.metadata.labels[e.key];
      if (e.operator === "In") return label !== undefined && e.values.includes(label);
      if (e.operator === "NotIn") return label === undefined || !e.values.includes(label);
      throw new Error(`operator ${e.operator} is not implemented`);
    }),
  );
}
