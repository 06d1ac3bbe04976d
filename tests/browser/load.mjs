// A small load generator for `eesim serve`, on loopback only, bounded in time.
//
//   node tests/browser/load.mjs [--url http://127.0.0.1:PORT] [--clients 24] [--seconds 60]
//        [--runs 10000] [--pid PID]
//
// Without --url it starts the server itself (server.mjs) and stops it after. Each client
// asks a different question each time (another score and seed) and waits for the answer;
// after a 503 it waits 250 ms. It prints the answers by status, the p50 and p99 latency of
// the answered ones, the server's memory (VmRSS) before, during and after, and the time of a
// repeated (kept) answer; it exits 1 on any status but 200 and 503-with-Retry-After, or on a
// connection error.
import { readFileSync } from "node:fs";
import { startServer } from "./server.mjs";

const arg = (name, dflt) => {
  const i = process.argv.indexOf("--" + name);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const clients = Number(arg("clients", 24));
const seconds = Number(arg("seconds", 60));
const runs = Number(arg("runs", 10000));
let url = arg("url", null);
let pid = arg("pid", null);
let server = null;
if (!url) {
  server = await startServer(arg("server-args", "").split(" ").filter(Boolean));
  url = server.url;
  pid = server.pid;
}
const host = new URL(url).hostname;
if (host !== "127.0.0.1" && host !== "localhost" && host !== "[::1]") {
  console.error(`load: expected a loopback address, found ${host}`);
  process.exit(2);
}

const rss = () => {
  if (!pid) return null;
  try {
    const m = readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+) kB/);
    return m ? Math.round(Number(m[1]) / 1024) : null;
  } catch { return null; }
};
const quantile = (xs, q) => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const ok = [], busy = [], bad = [];
const memory = [rss()];
let asked = 0;
const deadline = Date.now() + seconds * 1000;
const sampler = setInterval(() => memory.push(rss()), 2000);

async function client(id) {
  let n = 0;
  while (Date.now() < deadline) {
    n += 1;
    // A different question each time: another score and another seed.
    const crs = 350 + ((id * 37 + n * 11) % 250);
    const q = `/api/chance?crs=${crs}&runs=${runs}&seed=${id * 100000 + n}`;
    const t0 = performance.now();
    asked += 1;
    try {
      // No request outlives the run by more than a minute.
      const r = await fetch(url + q, { signal: AbortSignal.timeout(seconds * 1000 + 60000) });
      await r.arrayBuffer();
      const ms = performance.now() - t0;
      if (r.status === 200) ok.push(ms);
      else if (r.status === 503 && r.headers.get("retry-after")) { busy.push(ms); await sleep(250); }
      else bad.push(`${r.status} ${q}`);
    } catch (e) {
      bad.push(`${e.name}: ${e.message} ${q}`);
    }
  }
}

const started = Date.now();
await Promise.all(Array.from({ length: clients }, (_, i) => client(i)));
clearInterval(sampler);
const wall = (Date.now() - started) / 1000;
memory.push(rss());

// A repeated question: the first asks, the next ten are answered from the kept answers.
const same = `/api/chance?crs=505&runs=${runs}&seed=1`;
let first = await fetch(url + same);
while (first.status === 503) { await sleep(500); first = await fetch(url + same); }
await first.arrayBuffer();
const cached = [];
for (let i = 0; i < 10; i++) {
  const t0 = performance.now();
  const r = await fetch(url + same);
  await r.arrayBuffer();
  if (r.headers.get("x-eesim-cache") !== "hit") bad.push("the repeated question was not answered from the kept answers");
  cached.push(performance.now() - t0);
}
memory.push(rss());
if (server) await server.stop();

const f = (x) => (x === null ? "n/a" : x.toFixed(1));
const mem = memory.filter((m) => m !== null);
console.log(`load: ${clients} clients, ${runs} runs a question, ${wall.toFixed(1)} s on ${url}`);
console.log(`  answered 200: ${ok.length} (${(ok.length / wall).toFixed(2)}/s), p50 ${f(quantile(ok, 0.5))} ms, p99 ${f(quantile(ok, 0.99))} ms`);
console.log(`  503 with Retry-After: ${busy.length}, p50 ${f(quantile(busy, 0.5))} ms`);
console.log(`  other answers or errors: ${bad.length}`);
console.log(`  repeated question (kept answer): median ${f(quantile(cached, 0.5))} ms, max ${f(Math.max(...cached))} ms`);
if (mem.length) console.log(`  server memory (VmRSS, MiB): start ${mem[0]}, max ${Math.max(...mem)}, end ${mem[mem.length - 1]}`);
for (const b of bad.slice(0, 10)) console.log("  bad: " + b);
const failed = bad.length > 0 || ok.length === 0 ? 1 : 0;
console.log(`load: ${1 - failed} passed, ${failed} failed`);
process.exit(failed);
