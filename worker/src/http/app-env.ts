// Runs in the Worker isolate (edge). http/ is the plumbing every route shares: the Hono
// environment, bounded body readers, errors, and the RPC stubs of the Durable Objects.
import type { Env } from "../env.ts";
import type { AdmissionTicket } from "./admission.ts";

/** Values the middleware leaves on the Hono context for the handlers after it. */
export type AppVariables = {
  /** The tenant the request's token belongs to; set by `requireToken`. */
  tenant: string;
  /** Hands a refused body that is still arriving to the lingering close; set by `lingeringClose`. */
  lingerOn?: (reader: ReadableStreamDefaultReader<Uint8Array>) => void;
  /** The OTLP export's admission (bytes it holds); set by `admitExports`. */
  admission?: AdmissionTicket;
};

/** The Hono environment every Driftline app and sub-app is typed with. */
export type AppEnv = { Bindings: Env; Variables: AppVariables };
