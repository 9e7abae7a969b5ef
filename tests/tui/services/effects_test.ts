import { assertEquals, assertOk } from "../../support/assert.ts";
import { type EngineEvent, progressPayload } from "../../../src/engine/core/events.ts";
import { EffectRunner } from "../../../src/tui/services/effects.ts";
import { PassphraseBridge } from "../../../src/tui/services/passphrase_bridge.ts";
import type { Action } from "../../../src/tui/state/app_state.ts";
import { FakeServices, summary } from "../support/fake_services.ts";

Deno.test("effects: engine events reach the reducer at most ten times a second, none lost", async () => {
  const fake = new FakeServices();
  const events: EngineEvent[] = [];
  for (let i = 1; i <= 400; i++) {
    events.push({ type: "progress", progress: progressPayload("op", `f${i}`, i, 400) });
  }
  fake.backupRun = { summary: summary(), events };
  const actions: Action[] = [];
  const runner = new EffectRunner(fake, (a) => actions.push(a));
  const request = {
    profile: "p",
    localFolder: "/x",
    prefix: "",
    deleteRemote: false,
    dryRun: false,
    includeHidden: false,
    excludes: [],
  };
  const started = performance.now();
  runner.run({ id: 1, kind: "plan", job: "backup", planId: 9, request });
  await runner.idle();
  runner.run({ id: 2, kind: "run", job: "backup", planId: 9 });
  await runner.idle();
  const seconds = (performance.now() - started) / 1000;
  const batches = actions.filter((a) => a.type === "transfer-events");
  const delivered = batches.flatMap((a) => a.type === "transfer-events" ? a.events : []);
  assertEquals(delivered.length, 400);
  assertOk(
    batches.length <= Math.ceil(seconds * 10) + 2,
    `${batches.length} batches in ${seconds}s`,
  );
  assertEquals(actions.map((a) => a.type).filter((t) => t !== "transfer-events"), [
    "plan-ready",
    "transfer-started",
    "transfer-done",
  ]);
  await runner.dispose();
});

Deno.test("effects: a failing effect becomes an effect-failed action with the message", async () => {
  const fake = new FakeServices();
  fake.listBuckets = () => Promise.reject(new Error("Cannot reach http://x: connection refused"));
  const actions: Action[] = [];
  const runner = new EffectRunner(fake, (a) => actions.push(a));
  runner.run({
    id: 1,
    kind: "list-buckets",
    draft: {
      name: "d",
      endpoint: "",
      region: "",
      bucket: "",
      accessKeyId: "",
      secret: "",
      pathPrefix: "",
    },
  });
  await runner.idle();
  assertEquals(actions, [{
    type: "effect-failed",
    effect: "list-buckets",
    message: "Cannot reach http://x: connection refused",
  }]);
  await runner.dispose();
});

Deno.test("passphrase bridge: the UI answers the secret store's question; cancel rejects", async () => {
  const bridge = new PassphraseBridge();
  await bridge.ask("Passphrase?", false).then(
    () => assertOk(false, "no UI listening must reject"),
    (e: Error) => assertOk(e.message.includes("EIGEN_S3_PASSPHRASE")),
  );
  const asked: number[] = [];
  const stop = bridge.listen((q) => asked.push(q.id));
  const answer = bridge.ask("Passphrase?", true);
  bridge.answer(asked[0]!, "pw");
  assertEquals(await answer, "pw");
  // two requests waiting for the same secret share one question
  const first = bridge.ask("Same?", false);
  const second = bridge.ask("Same?", false);
  assertEquals(asked.length, 2);
  bridge.answer(asked[1]!, "pw2");
  assertEquals([await first, await second], ["pw2", "pw2"]);
  const cancelled = bridge.ask("Again?", false);
  bridge.cancelAll();
  await cancelled.then(
    () => assertOk(false),
    (e: Error) => assertOk(e.message.includes("No passphrase")),
  );
  stop();
});
