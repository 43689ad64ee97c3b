// The service's API, typed from the contract. The types come from schema.d.ts, which
// openapi-typescript generates from the pinned OpenAPI snapshot (`npm run generate`), so a change
// to the contract that this app does not follow fails `npm run build` (tsc), not a user's click.
import type { components } from "./schema";

type Schemas = components["schemas"];
export type ModelCard = Schemas["ModelCard"];
export type Patient = Schemas["Patient"];
export type FeatureName = keyof Patient;
export type PredictionRecord = Schemas["PredictionRecord"];
export type PredictionPage = Schemas["PredictionPage"];
export type Performance = Schemas["Performance"];
type ValidationIssue = Schemas["ValidationIssue"];

const TIMEOUT_MS = 10_000; // as the Python clients' timeout=10

/** The service answered, but with an error: its status, and the contract's `detail`. A 422 lists
 *  one issue per refused field, keyed here by the field's name (the last item of its `loc`). */
export class ServiceError extends Error {
  readonly status: number;
  readonly fieldMessages: Record<string, string>;

  constructor(status: number, detail: string | ValidationIssue[] | undefined) {
    const issues = Array.isArray(detail) ? detail : [];
    const fields = issues.map((issue) => issue.loc[issue.loc.length - 1]).join(", ");
    super(`${status}: ${Array.isArray(detail) ? `the service refused ${fields}` : (detail ?? "error")}`);
    this.status = status;
    this.fieldMessages = Object.fromEntries(
      issues.map((issue) => [String(issue.loc[issue.loc.length - 1]), issue.msg]),
    );
  }
}

/** No answer at all. The browser does not say why, and on purpose: the service is down, the URL
 *  is wrong, or the service refused this page's origin (CORS) look the same to a page. */
export class ServiceUnreachable extends Error {}

export class Api {
  readonly baseUrl: string;

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl.replace(/\/+$/, "");
  }

  modelCard(): Promise<ModelCard> {
    return this.call("GET", "/model");
  }

  /** Predict and store (POST /predictions): the stored record, and where it lives (Location,
   *  readable from another origin only because the service lists it in Expose-Headers). */
  async createPrediction(patientJson: string): Promise<{ record: PredictionRecord; location: string }> {
    const response = await this.send("POST", "/predictions", patientJson);
    const record = (await this.read(response)) as PredictionRecord;
    return { record, location: response.headers.get("Location") ?? "" };
  }

  storedPredictions(limit: number): Promise<PredictionPage> {
    return this.call("GET", `/predictions?limit=${limit}`);
  }

  recordActual(id: number, value: string): Promise<PredictionRecord> {
    return this.call("PUT", `/predictions/${id}/actual`, `{"value": ${jsonNumber(value)}}`);
  }

  performance(): Promise<Performance> {
    return this.call("GET", "/model/performance");
  }

  private async call<T>(method: string, path: string, body?: string): Promise<T> {
    return (await this.read(await this.send(method, path, body))) as T;
  }

  private async send(method: string, path: string, body?: string): Promise<Response> {
    try {
      return await fetch(this.baseUrl + path, {
        method,
        body,
        // A JSON body makes this a "non-simple" request: the browser first asks the service
        // (an OPTIONS preflight) whether this origin may send it. GETs go without asking.
        headers: body === undefined ? {} : { "Content-Type": "application/json" },
        // No cookies or HTTP auth to another origin: the API uses neither, and the services do
        // not answer Access-Control-Allow-Credentials, so the browser would refuse the answer.
        credentials: "omit",
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      const why =
        error instanceof DOMException && error.name === "TimeoutError"
          ? `did not answer within ${TIMEOUT_MS / 1000} s`
          : "cannot be reached";
      throw new ServiceUnreachable(
        `The service at ${this.baseUrl} ${why}. Is it running, and does its CORS_ORIGINS ` +
          `include this page's origin (${window.location.origin})?`,
      );
    }
  }

  private async read(response: Response): Promise<unknown> {
    const body = await response.json().catch(() => undefined);
    if (!response.ok) throw new ServiceError(response.status, body?.detail);
    return body;
  }
}

// A JSON number as the grammar writes it: 1e999 is one, though JavaScript reads it as Infinity.
const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

/** What was typed, as a JSON value: a number as a number, anything else as a string. The service
 *  judges it and names the problem ("Input should be a valid number"); the page does not guess. */
export function jsonNumber(text: string): string {
  const trimmed = text.trim();
  return JSON_NUMBER.test(trimmed) ? trimmed : JSON.stringify(trimmed);
}

/** The form as the JSON body of POST /predictions. An emptied field is left out, so the service
 *  answers "Field required" for it. */
export function patientJson(values: Record<string, string>): string {
  const members = Object.entries(values)
    .filter(([, text]) => text.trim() !== "")
    .map(([name, text]) => `${JSON.stringify(name)}: ${jsonNumber(text)}`);
  return `{${members.join(", ")}}`;
}

/** A message for the user, whatever went wrong. */
export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
