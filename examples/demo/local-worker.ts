/**
 * The Worker for `npm run demo`: the one already answering /healthz on 127.0.0.1:<port> (e.g.
 * `npm start` in another terminal), or else a `wrangler dev` started here, as `npm start` runs it
 * (same port, same `.dev.vars` tokens, same `.wrangler/state`), and stopped again at the end so
 * nothing is left running. Tokens come from `.dev.vars`, written the way `npm start` writes them
 * when absent, or from DRIFTLINE_TOKEN / DRIFTLINE_READ_TOKEN.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { ensureDevVars, firstPair, readDevVars } from "../../scripts/dev-vars.mjs";

/** How long `wrangler dev` may take to answer /healthz (the first start bundles the Worker). */
const STARTUP_TIMEOUT_MS = 90_000;
/** How long `stop` waits after SIGTERM before SIGKILL. */
const STOP_GRACE_MS = 5_000;
/** Keep this much of wrangler's output for the error message if it fails to start. */
const OUTPUT_TAIL_CHARS = 6_000;

/** A Worker the demo can talk to. */
export type LocalWorker = {
  endpoint: string;
  ingestToken: string;
  readToken: string;
  /** True when the demo started it (and `stop` stops it). */
  startedHere: boolean;
  /** Stops wrangler dev and workerd if the demo started them; a no-op otherwise. Idempotent. */
  stop(): Promise<void>;
};

/** Where to look. */
export type LocalWorkerOptions = {
  /** The repository root (wrangler.toml, .dev.vars, node_modules/.bin/wrangler). */
  root: string;
  port: number;
  env: Record<string, string | undefined>;
  log: (line: string) => void;
};

/** Returns the running Worker on the port, or starts one. Rejects with wrangler's output if it cannot start. */
export async function findOrStartWorker(options: LocalWorkerOptions): Promise<LocalWorker> {
  const endpoint = `http://127.0.0.1:${options.port}`;
  const devVarsPath = join(options.root, ".dev.vars");
  if (await healthy(endpoint)) {
    const tokens = tokensFrom(devVarsPath, options.env);
    if (tokens === undefined) {
      throw new Error(`a Worker answers ${endpoint}/healthz, but .dev.vars has no INGEST_TOKENS/READ_TOKENS: set DRIFTLINE_TOKEN and DRIFTLINE_READ_TOKEN to its tokens`);
    }
    options.log(`Using the Worker already running at ${endpoint}.`);
    return { endpoint, ...tokens, startedHere: false, stop: async () => undefined };
  }
  ensureDevVars(devVarsPath, options.log);
  const tokens = tokensFrom(devVarsPath, options.env);
  if (tokens === undefined) throw new Error(`${devVarsPath} has no usable INGEST_TOKENS/READ_TOKENS (format tenant:token,tenant:token)`);
  options.log(`Starting the Worker: wrangler dev on ${endpoint} (state in .wrangler/state)...`);
  return { endpoint, ...tokens, startedHere: true, stop: await startWrangler(options, endpoint) };
}

async function healthy(endpoint: string): Promise<boolean> {
  try {
    return (await fetch(`${endpoint}/healthz`, { signal: AbortSignal.timeout(2_000) })).status === 200;
  } catch {
    return false;
  }
}

function tokensFrom(devVarsPath: string, env: Record<string, string | undefined>): { ingestToken: string; readToken: string } | undefined {
  const vars = readDevVars(devVarsPath);
  const ingestToken = env.DRIFTLINE_TOKEN || firstPair(vars.INGEST_TOKENS)?.token;
  const readToken = env.DRIFTLINE_READ_TOKEN || firstPair(vars.READ_TOKENS)?.token;
  return ingestToken === undefined || readToken === undefined ? undefined : { ingestToken, readToken };
}

/** Starts wrangler dev in its own process group and resolves with its stop function once /healthz answers. */
async function startWrangler(options: LocalWorkerOptions, endpoint: string): Promise<() => Promise<void>> {
  const child = spawn(join(options.root, "node_modules", ".bin", "wrangler"), ["dev", "--ip", "127.0.0.1", "--port", String(options.port), "--show-interactive-dev-session=false", "--var", "ALLOW_LOCAL_RECEIVERS:1"], {
    cwd: options.root,
    // Its own process group, so that stopping it reaches workerd (wrangler's child) too.
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...options.env, WRANGLER_SEND_METRICS: options.env.WRANGLER_SEND_METRICS ?? "false", NO_COLOR: "1" },
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error("could not spawn node_modules/.bin/wrangler: run npm install first");
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      // Already gone.
    }
  };
  // If the demo dies without calling stop (an uncaught error), take wrangler with it.
  const onExit = () => killGroup("SIGKILL");
  process.once("exit", onExit);

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      killGroup("SIGTERM");
      const timer = setTimeout(() => killGroup("SIGKILL"), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
      // wrangler may exit before workerd has; nothing of the group may outlive the demo.
      killGroup("SIGKILL");
      process.removeListener("exit", onExit);
    })();
    return stopped;
  };

  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new Error(`wrangler dev exited (${child.exitCode ?? child.signalCode}) before ${endpoint}/healthz answered. Its output:\n${output}`);
    }
    if (await healthy(endpoint)) return stop;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  await stop();
  throw new Error(`wrangler dev did not answer ${endpoint}/healthz within ${STARTUP_TIMEOUT_MS / 1000} s. Its output:\n${output}`);
}
