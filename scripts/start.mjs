#!/usr/bin/env node
/* global fetch, AbortSignal, setInterval, clearTimeout */
// `npm start`: runs the real Worker locally in workerd (`wrangler dev`), Durable Objects
// persisted under .wrangler/state. On first run it writes random local tokens to .dev.vars
// (mode 0600); once /healthz answers it prints the endpoint, the tokens and what to do next.
//
// Process handling (issue 11, item 11): wrangler runs in its own process group with the workerd
// it starts, and SIGINT or SIGTERM to this process stops that whole group (SIGKILL after a grace
// period), so nothing keeps serving after `npm start` is gone. A port already taken is refused
// before anything starts: /healthz of whatever answers there proves nothing about what it is.
//
// Local development settings: ALLOW_LOCAL_RECEIVERS=1 (alert receivers on loopback, docs/alerts.md).
// For tests: DRIFTLINE_DEV_VARS (another .dev.vars file), DRIFTLINE_STATE_DIR (another state
// directory), DRIFTLINE_INSPECTOR_PORT (wrangler's DevTools port).
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureDevVars, firstPair } from "./dev-vars.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const devVarsPath = process.env.DRIFTLINE_DEV_VARS || join(root, ".dev.vars");
const stateDir = process.env.DRIFTLINE_STATE_DIR || undefined;
const stateLabel = stateDir ?? ".wrangler/state";
const port = Number(process.env.PORT ?? 8787);
// HOST=0.0.0.0 (or a bridge address such as 172.17.0.1) lets Grafana in a container reach the
// Worker (docs/dashboards.md, "Grafana in a container"); loopback by default, so nothing else can.
const host = process.env.HOST ?? "127.0.0.1";
const listensEverywhere = host === "0.0.0.0" || host === "::";
const url = `http://${listensEverywhere ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host}:${port}`;
const STARTUP_TIMEOUT_MS = 90_000;
/** How long wrangler and workerd get to exit after SIGINT/SIGTERM before the group is killed. */
const STOP_GRACE_MS = 5_000;
/** How often the parent is checked for having gone (see below). */
const PARENT_POLL_MS = 500;

if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error(`PORT must be a TCP port number (1-65535), got '${process.env.PORT}'`);
  process.exit(2);
}

if (!/^[0-9A-Za-z.:-]+$/.test(host)) {
  console.error(`HOST must be an IP address or host name to listen on, got '${host}'`);
  process.exit(2);
}
if (host !== "127.0.0.1" && host !== "localhost" && host !== "::1") {
  console.warn(
    `npm start: listening on ${host}, not only on loopback: anyone who can reach this address can call the Worker. ` +
      "Every route but /healthz still needs a token (.dev.vars holds them); keep this to a trusted network or firewall the port.",
  );
}

const devVars = ensureDevVars(devVarsPath, (line) => console.log(line));
const tokens = { ingest: firstPair(devVars.INGEST_TOKENS), read: firstPair(devVars.READ_TOKENS) };
if (tokens.ingest === undefined || tokens.read === undefined) {
  console.error("npm start: .dev.vars has INGEST_TOKENS or READ_TOKENS not in the form tenant:token,tenant:token (docs/auth.md); fix or delete the file.");
  process.exit(1);
}

const busy = await portTaken(host, port);
if (busy !== undefined) {
  console.error(
    `npm start: ${host}:${port} is already in use (${busy}), so Driftline did not start.\n` +
      `  Another \`npm start\` or \`wrangler dev\` may still be running: stop it (\`lsof -i :${port}\` or \`ss -ltnp 'sport = :${port}'\` shows which process),\n` +
      `  or start on another port: PORT=${port === 65535 ? 8788 : port + 1} npm start`,
  );
  process.exit(1);
}

const args = ["dev", "--ip", host, "--port", String(port), "--show-interactive-dev-session=false", "--var", "ALLOW_LOCAL_RECEIVERS:1"];
if (stateDir !== undefined) args.push("--persist-to", stateDir);
if (process.env.DRIFTLINE_DEV_VARS) args.push("--env-file", devVarsPath);
if (process.env.DRIFTLINE_INSPECTOR_PORT) args.push("--inspector-port", process.env.DRIFTLINE_INSPECTOR_PORT);
const wrangler = spawn(join(root, "node_modules", ".bin", "wrangler"), args, {
  cwd: root,
  // Its own process group (wrangler and the workerd it starts), so that stopping reaches all of
  // them. Not reading the terminal: a background group that reads it would be stopped (SIGTTIN).
  detached: true,
  stdio: ["ignore", "inherit", "inherit"],
  env: { ...process.env, WRANGLER_SEND_METRICS: process.env.WRANGLER_SEND_METRICS ?? "false" },
});
const group = wrangler.pid;

let stopping = false;
const wranglerExited = new Promise((resolveExit) => wrangler.once("exit", (code, signal) => resolveExit({ code, signal })));
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    void stopGroup(signal === "SIGHUP" ? "SIGTERM" : signal);
  });
}
// Whatever ends this process, the group does not outlive it.
process.on("exit", () => killGroup("SIGKILL"));
// A parent that dies without passing its signal on (npm SIGKILLed, or a shell between npm and
// this script that is killed alone) leaves this process reparented: that is a stop too.
const parentPid = process.ppid;
setInterval(() => {
  if (process.ppid !== parentPid && !stopping) {
    stopping = true;
    void stopGroup("SIGTERM");
  }
}, PARENT_POLL_MS).unref();

wranglerExited.then(({ code, signal }) => {
  if (stopping) return;
  // workerd may outlive a wrangler that died: stop the rest of the group too.
  killGroup("SIGKILL");
  console.error(`\nwrangler dev exited (${code ?? signal}).`);
  process.exit(code === 0 ? 1 : (code ?? 1));
});

/** Signals wrangler's process group; a group that is gone already is no error. */
function killGroup(signal) {
  if (group === undefined) return;
  try {
    process.kill(-group, signal);
  } catch {
    // Already gone.
  }
}

/** Stops the whole group: `signal` first, SIGKILL after STOP_GRACE_MS; then exits. */
async function stopGroup(signal) {
  killGroup(signal);
  const timer = setTimeout(() => killGroup("SIGKILL"), STOP_GRACE_MS);
  await wranglerExited;
  clearTimeout(timer);
  // wrangler gone, its workerd children maybe not yet: they are in the group.
  killGroup("SIGKILL");
  console.log(`\nDriftline stopped. State is kept in ${stateLabel}; \`npm start\` picks it up again.`);
  process.exit(0);
}

/**
 * Why `host:port` cannot be listened on (in use, not permitted), or undefined when it is free:
 * tried by listening on it for a moment, the only check that does not trust whatever answers.
 */
function portTaken(onHost, onPort) {
  return new Promise((resolveCheck) => {
    const probe = createServer();
    probe.once("error", (error) => resolveCheck(error.code === "EADDRINUSE" ? "address in use" : `${error.code ?? error.message}`));
    probe.listen({ host: onHost, port: onPort, exclusive: true }, () => probe.close(() => resolveCheck(undefined)));
  });
}

await waitForHealthz();
printBanner();

async function waitForHealthz() {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (wrangler.exitCode !== null) return new Promise(() => undefined); // the exit handler reports it
    try {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  console.error(`\nwrangler dev did not answer ${url}/healthz within ${STARTUP_TIMEOUT_MS / 1000} s; stopping it.`);
  stopping = true;
  killGroup("SIGTERM");
  setTimeout(() => killGroup("SIGKILL"), STOP_GRACE_MS).unref();
  await wranglerExited;
  process.exit(1);
}

function printBanner() {
  const nowNanos = `${Date.now()}000000`;
  const record = {
    resourceLogs: [
      {
        resource: { attributes: [{ key: "service.name", value: { stringValue: "quickstart" } }] },
        scopeLogs: [
          {
            logRecords: [
              {
                timeUnixNano: nowNanos,
                eventName: "ml.prediction",
                attributes: [
                  { key: "ml.model.id", value: { stringValue: "churn" } },
                  { key: "ml.model.version", value: { stringValue: "v1" } },
                  { key: "ml.prediction.id", value: { stringValue: "p-1" } },
                  { key: "ml.feature.income", value: { doubleValue: 52000 } },
                  { key: "ml.feature.plan", value: { stringValue: "pro" } },
                  { key: "ml.prediction.value", value: { doubleValue: 0.82 } },
                  { key: "ml.prediction.latency", value: { doubleValue: 0.012 } },
                ],
              },
            ],
          },
        ],
      },
    ],
  };
  const ingest = tokens.ingest.token;
  const read = tokens.read.token;
  const lines = [
    "",
    "──────────────────────────────────────────────────────────────────────────────",
    ` Driftline is running at ${url}   (state: ${stateLabel}, Ctrl-C to stop)`,
    "",
    ` Console: open ${url}/ and sign in with the read token below (docs/console.md).`,
    "",
    ` Ingest token (tenant ${tokens.ingest.tenant}): ${ingest}`,
    ` Read token   (tenant ${tokens.read.tenant}): ${read}`,
    "   (from .dev.vars; edit INGEST_TOKENS / READ_TOKENS there, format tenant:token,tenant:token)",
    "",
    " 1. Send one prediction as OTLP/JSON:",
    "",
    `    curl -sS ${url}/v1/logs \\`,
    `      -H 'Authorization: Bearer ${ingest}' \\`,
    "      -H 'Content-Type: application/json' \\",
    `      -d '${JSON.stringify(record)}'`,
    "",
    "    The answer {} means accepted; a partialSuccess names what was rejected and why.",
    "",
    " 2. Point any OpenTelemetry SDK at it:",
    "",
    `    export OTEL_EXPORTER_OTLP_ENDPOINT=${url}`,
    // The spec percent-encodes header values in this variable: the space is %20.
    `    export OTEL_EXPORTER_OTLP_HEADERS="Authorization=Bearer%20${ingest}"`,
    "    export OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf",
    "",
    "    or an OpenTelemetry Collector:",
    "",
    "    exporters:",
    "      otlphttp/driftline:",
    `        endpoint: ${url}`,
    "        compression: gzip",
    "        headers:",
    `          Authorization: "Bearer ${ingest}"`,
    "",
    " 3. See what arrived:",
    "",
    `    curl -sS ${url}/api/models -H 'Authorization: Bearer ${read}'`,
    "",
    " Docs: docs/auth.md (tokens, Grafana), docs/limits.md (request limits).",
    "──────────────────────────────────────────────────────────────────────────────",
    "",
  ];
  console.log(lines.join("\n"));
}
