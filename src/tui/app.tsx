/**
 * The TUI's root component: one reducer holds the state, key presses become actions, effects
 * run through the engine services, the frame draws the current screen or overlay.
 *
 * @module
 */

import { useApp, useInput, useWindowSize } from "ink";
import { useEffect, useMemo, useReducer, useRef } from "react";
import { EffectRunner } from "./services/effects.ts";
import { toKeyPresses } from "./input/keys.ts";
import type { PassphraseBridge } from "./services/passphrase_bridge.ts";
import type { TuiServices } from "./services/services.ts";
import { type AppState, tooSmall } from "./state/app_state.ts";
import { appReducer, initialState } from "./state/root_reducer.ts";
import { makeTheme, ThemeProvider } from "./theme.tsx";
import { Frame, TooSmall } from "./components/frame.tsx";
import { OverlayView } from "./components/overlays.tsx";
import { HomeScreen } from "./screens/home_screen.tsx";
import { ConfigScreen } from "./screens/config_screen.tsx";
import { BackupScreen } from "./screens/backup_screen.tsx";
import { RestoreScreen } from "./screens/restore_screen.tsx";
import { HistoryScreen } from "./screens/history_screen.tsx";
import { SettingsScreen } from "./screens/settings_screen.tsx";

/** Props of {@link App}. */
export interface AppProps {
  services: TuiServices;
  bridge?: PassphraseBridge;
  color: boolean;
  /** Aborted when the process is asked to stop (SIGTERM): stop transfers, then quit. */
  stopSignal?: AbortSignal;
  /** Called with the exit code once the app has stopped its work, before it unmounts. */
  onExit?: (code: number) => void;
  /** A fixed window size (tests); otherwise the terminal's, following resizes. */
  size?: { columns: number; rows: number };
}

function Screen(props: { s: AppState }) {
  const s = props.s;
  if (s.overlay) return <OverlayView s={s} />;
  switch (s.screen) {
    case "home":
      return <HomeScreen s={s} />;
    case "config":
      return <ConfigScreen s={s} />;
    case "backup":
      return <BackupScreen s={s} />;
    case "restore":
      return <RestoreScreen s={s} />;
    case "history":
      return <HistoryScreen s={s} />;
    case "settings":
      return <SettingsScreen s={s} />;
  }
}

/** The app. */
export function App(props: AppProps) {
  const window = useWindowSize();
  const size = props.size ?? window;
  const [state, dispatch] = useReducer(appReducer, undefined, () =>
    initialState({
      columns: size.columns,
      rows: size.rows,
      capabilities: props.services.capabilities(),
      home: props.services.homeDir(),
    }));
  const runner = useMemo(() => new EffectRunner(props.services, dispatch, props.bridge), []);
  const lastEffect = useRef(0);
  const { exit } = useApp();
  const theme = useMemo(() => makeTheme(props.color), [props.color]);

  useInput((input, key) => {
    for (const press of toKeyPresses(input, key)) dispatch({ type: "key", press });
  });

  useEffect(() => {
    if (state.size.columns !== size.columns || state.size.rows !== size.rows) {
      dispatch({ type: "resize", columns: size.columns, rows: size.rows });
    }
  }, [size.columns, size.rows]);

  useEffect(() => {
    const fresh = state.effects.filter((e) => e.id > lastEffect.current);
    if (fresh.length === 0) return;
    lastEffect.current = fresh[fresh.length - 1]!.id;
    for (const e of fresh) runner.run(e);
    dispatch({ type: "effects-taken", upTo: lastEffect.current });
  }, [state.effects]);

  useEffect(() => props.bridge?.listen((q) => dispatch({ type: "passphrase-request", ...q })), []);

  useEffect(() => {
    const signal = props.stopSignal;
    if (!signal) return;
    const on = () => dispatch({ type: "signal" });
    if (signal.aborted) on();
    signal.addEventListener("abort", on);
    return () => signal.removeEventListener("abort", on);
  }, []);

  useEffect(() => {
    if (state.exit === null) return;
    const code = state.exit;
    let live = true;
    runner.dispose().then(() => {
      if (!live) return;
      props.onExit?.(code);
      exit();
    });
    return () => {
      live = false;
    };
  }, [state.exit]);

  useEffect(() => () => void runner.dispose(), []);

  return (
    <ThemeProvider theme={theme}>
      {tooSmall(state)
        ? <TooSmall columns={state.size.columns} rows={state.size.rows} />
        : (
          <Frame s={state}>
            <Screen s={state} />
          </Frame>
        )}
    </ThemeProvider>
  );
}
