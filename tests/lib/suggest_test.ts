import { assertEquals } from "../support/assert.ts";
import { editDistance, suggest } from "../../src/lib/suggest.ts";

Deno.test("editDistance: insertions, deletions, substitutions and swaps cost 1", () => {
  const cases: [string, string, number][] = [
    ["bakup", "backup", 1],
    ["restroe", "restore", 1],
    ["verfy", "verify", 1],
    ["", "ls", 2],
    ["same", "same", 0],
    ["abc", "xyz", 3],
  ];
  for (const [a, b, d] of cases) assertEquals(editDistance(a, b), d, `${a} ${b}`);
});

Deno.test("suggest: the closest candidate when it is close enough, else nothing", () => {
  const commands = ["backup", "restore", "verify", "ls", "put", "get", "rm", "--version"];
  assertEquals(suggest("bakup", commands), "backup");
  assertEquals(suggest("restor", commands), "restore");
  assertEquals(suggest("version", commands), "--version");
  assertEquals(suggest("lss", commands), "ls");
  assertEquals(suggest("xyzzy", commands), undefined);
  assertEquals(suggest("ver", commands), "verify");
});
