/**
 * Drives the TUI's reducer without Ink: key presses by name, and effects run against a fake
 * service until nothing is left to do.
 *
 * @module
 */

import { EffectRunner } from "../../../src/tui/services/effects.ts";
import { charPress, type KeyPress } from "../../../src/tui/input/keys.ts";
import type { PassphraseBridge } from "../../../src/tui/services/passphrase_bridge.ts";
import type { TuiServices } from "../../../src/tui/services/services.ts";
import type { Action, AppState } from "../../../src/tui/state/app_state.ts";
import { initialState, reduce } from "../../../src/tui/state/root_reducer.ts";

/** The press for a key name ("tab", "enter", "ctrl+c") or text ("hello" types each char). */
export function press(name: string): KeyPress {
  return { name };
}

/** A state machine around the reducer that runs effects through `services`. */
export class Driver {
  state: AppState;
  readonly runner: EffectRunner;
  #taken = 0;
  actions: Action[] = [];

  constructor(
    readonly services: TuiServices,
    size = { columns: 80, rows: 24 },
    bridge?: PassphraseBridge,
  ) {
    this.state = initialState({
      ...size,
      capabilities: services.capabilities(),
      home: services.homeDir(),
    });
    this.runner = new EffectRunner(services, (a) => this.dispatch(a), bridge);
    bridge?.listen((q) => this.dispatch({ type: "passphrase-request", ...q }));
  }

  /** Applies an action and starts the effects it queued. */
  dispatch(a: Action): void {
    this.actions.push(a);
    this.state = reduce(this.state, a);
    const fresh = this.state.effects.filter((e) => e.id > this.#taken);
    if (fresh.length === 0) return;
    this.#taken = fresh[fresh.length - 1]!.id;
    this.state = reduce(this.state, { type: "effects-taken", upTo: this.#taken });
    for (const e of fresh) this.runner.run(e);
  }

  /** Starts the initial effects (load config). */
  start(): void {
    const fresh = this.state.effects;
    this.#taken = fresh[fresh.length - 1]?.id ?? 0;
    this.state = reduce(this.state, { type: "effects-taken", upTo: this.#taken });
    for (const e of fresh) this.runner.run(e);
  }

  /** Presses keys: names like "tab" or "enter"; `text:` prefix types characters one by one. */
  keys(...names: string[]): void {
    for (const n of names) {
      if (n.startsWith("text:")) {
        for (const ch of n.slice(5)) this.dispatch({ type: "key", press: charPress(ch) });
      } else if (n.length === 1 || n === "space") {
        this.dispatch({ type: "key", press: charPress(n === "space" ? " " : n) });
      } else this.dispatch({ type: "key", press: press(n) });
    }
  }

  /** Waits until every effect (and the effects they caused) has settled. */
  async settle(): Promise<void> {
    for (let i = 0; i < 50; i++) {
      await this.runner.idle();
      await new Promise((r) => setTimeout(r, 0));
      if (!this.runner.busy) {
        await this.runner.idle();
        return;
      }
    }
  }

  /** Stops the runner (aborts what runs). */
  async dispose(): Promise<void> {
    await this.runner.dispose();
  }
}
