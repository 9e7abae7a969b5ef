import { assertEquals, assertRejects } from "../../support/assert.ts";
import { march, type MarchPair } from "../../../src/engine/local/march.ts";

const KEYS = { localKey: (l: string) => l, remoteKey: (r: string) => r };

function show(p: MarchPair<string, string>): string {
  return p.kind === "local-only"
    ? `L ${p.local}`
    : p.kind === "remote-only"
    ? `R ${p.remote}`
    : `B ${p.local}=${p.remote}`;
}

async function run(local: string[], remote: string[]): Promise<string[]> {
  const out: string[] = [];
  for await (const p of march(local, remote, KEYS)) out.push(show(p));
  return out;
}

const cases: Array<{ name: string; local: string[]; remote: string[]; want: string[] }> = [
  { name: "both sides empty: nothing", local: [], remote: [], want: [] },
  { name: "only local: all local-only", local: ["a", "b"], remote: [], want: ["L a", "L b"] },
  { name: "only remote: all remote-only", local: [], remote: ["a", "b"], want: ["R a", "R b"] },
  {
    name: "equal keys pair up, the rest interleave in key order",
    local: ["a", "c", "d"],
    remote: ["b", "c", "e"],
    want: ["L a", "R b", "B c=c", "L d", "R e"],
  },
  {
    name: "one side runs out first: the other drains in order",
    local: ["a", "b", "c", "d"],
    remote: ["b"],
    want: ["L a", "B b=b", "L c", "L d"],
  },
  {
    name: "byte order: 'a.txt' < 'a/' < 'a/z' < 'a0' (a folder sorts as 'name/')",
    local: ["a.txt", "a/", "a0"],
    remote: ["a.txt", "a/z", "a0"],
    want: ["B a.txt=a.txt", "L a/", "R a/z", "B a0=a0"],
  },
  {
    name: "characters above U+FFFF sort after U+E000..U+FFFF (UTF-8 byte order)",
    local: ["\uFF21", "\u{1F600}"],
    remote: ["\u{1F600}"],
    want: ["L \uFF21", "B \u{1F600}=\u{1F600}"],
  },
  {
    name: "out-of-order input: each item is still yielded exactly once",
    local: ["b", "a"],
    remote: ["a", "b"],
    want: ["R a", "B b=b", "L a"],
  },
];

for (const c of cases) {
  Deno.test(`march: ${c.name}`, async () => {
    assertEquals(await run(c.local, c.remote), c.want);
  });
}

Deno.test("march: the key of each pair comes from the key functions", async () => {
  const local = [{ rel: "x" }, { rel: "y" }];
  const remote = [{ key: "p/y" }];
  const keys = {
    localKey: (l: { rel: string }) => `p/${l.rel}`,
    remoteKey: (r: typeof remote[0]) => r.key,
  };
  const got: string[] = [];
  for await (const p of march(local, remote, keys)) got.push(`${p.kind} ${p.key}`);
  assertEquals(got, ["local-only p/x", "both p/y"]);
});

Deno.test("march: pulls each side lazily, never ahead of the pairs taken", async () => {
  const pulled = { local: 0, remote: 0 };
  async function* side(name: "local" | "remote") {
    for (let i = 0; i < 1000; i++) {
      pulled[name] += 1;
      yield String(i).padStart(4, "0");
    }
  }
  const it = march(side("local"), side("remote"), KEYS);
  for (let i = 0; i < 10; i++) await it.next();
  assertEquals(pulled, { local: 10, remote: 10 });
  await it.return(undefined);
});

Deno.test("march: stopping early closes both sources", async () => {
  const closed: string[] = [];
  async function* side(name: string) {
    try {
      yield "a";
      yield "b";
    } finally {
      closed.push(name);
    }
  }
  for await (const p of march(side("local"), side("remote"), KEYS)) {
    assertEquals(p.kind, "both");
    break;
  }
  assertEquals(closed.sort(), ["local", "remote"]);
});

Deno.test("march: an error from a source reaches the consumer", async () => {
  async function* broken() {
    yield "a";
    throw new Error("listing failed");
  }
  const e = await assertRejects(() => drain(broken()), Error);
  assertEquals(e.message, "listing failed");
  async function drain(remote: AsyncIterable<string>) {
    for await (const _ of march(["a", "b"], remote, KEYS)) { /* drain */ }
  }
});
