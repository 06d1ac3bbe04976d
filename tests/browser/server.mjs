// Starts `eesim serve` on a free port of 127.0.0.1 over the 5-round fixture feed, for the
// browser test and the load generator.
import { spawn } from "node:child_process";
import { mkdtempSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";

const here = dirname(fileURLToPath(import.meta.url));
export const repo = join(here, "..", "..");

// The binary: $EESIM_BIN, else the debug build of `cargo test --features serve`.
export function binary() {
  return process.env.EESIM_BIN || join(repo, "target", "debug", "eesim");
}

// Resolves to { url, child, pid, stop() } once the server prints its address.
export function startServer(extraArgs = [], env = {}) {
  const cache = mkdtempSync(join(tmpdir(), "eesim-browser-"));
  // A feed to serve from ($EESIM_SERVE_FEED), else none: the embedded scenario, whose
  // categories include french.
  if (process.env.EESIM_SERVE_FEED) copyFileSync(process.env.EESIM_SERVE_FEED, join(cache, "ee_rounds_123_en.json"));
  const child = spawn(binary(), ["serve", "--bind", "127.0.0.1:0", "--refresh", "off", ...extraArgs], {
    env: { ...process.env, EESIM_CACHE_DIR: cache, EESIM_LOG: "warn", ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("eesim serve: expected its address within 30 s, found none")), 30000);
    child.on("exit", (code) => reject(new Error("eesim serve: exited early with " + code)));
    createInterface({ input: child.stdout }).once("line", (line) => {
      clearTimeout(timer);
      const m = line.match(/http:\/\/(127\.0\.0\.1:\d+)\//);
      if (!m) return reject(new Error("eesim serve: expected its address, found " + line));
      resolve({
        url: "http://" + m[1], child, pid: child.pid,
        stop: () => new Promise((done) => { child.removeAllListeners("exit"); child.once("exit", done); child.kill("SIGTERM"); }),
      });
    });
  });
}
