/**
 * What the screens show when an effect failed unexpectedly (the engine threw): the error goes
 * to the screen that asked, or to the status line.
 *
 * @module
 */

import { type Action, type AppState, withStatus } from "./app_state.ts";
import { jobSaveFailed } from "./schedule_form.ts";

/** Routes the error of a failed effect. */
export function effectFailed(s: AppState, a: Extract<Action, { type: "effect-failed" }>): AppState {
  const error = { tone: "error" as const, lines: [a.message] };
  switch (a.effect) {
    case "test-connection":
    case "list-buckets":
    case "save-profile":
    case "remove-profile":
    case "make-default":
      return withStatus(
        { ...s, configScreen: { ...s.configScreen, busy: null, result: error } },
        a.message,
        "error",
      );
    case "save-defaults":
      return { ...s, settings: { ...s.settings, message: { text: a.message, tone: "error" } } };
    case "load-jobs":
      return withStatus(
        { ...s, schedule: { ...s.schedule, error: a.message } },
        a.message,
        "error",
      );
    case "save-job":
      return jobSaveFailed(s, a.message);
    case "load-history":
      return { ...s, history: { ...s.history, loading: false, error: a.message } };
    case "load-config":
      return withStatus(
        { ...s, config: s.config ?? { version: 1, profiles: {} } },
        a.message,
        "error",
      );
    default:
      return withStatus(s, a.message, "error");
  }
}
