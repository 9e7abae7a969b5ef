/**
 * Colours, honouring NO_COLOR and --no-color: without colour, focus and emphasis use inverse
 * and bold only.
 *
 * @module
 */

import { createContext, type ReactNode, useContext } from "react";

/** Semantic colour names. */
export type Tone = "accent" | "ok" | "error" | "warn" | "muted" | "info" | "danger";

const COLORS: Record<Tone, string> = {
  accent: "cyan",
  ok: "green",
  error: "red",
  warn: "yellow",
  muted: "gray",
  info: "blue",
  danger: "red",
};

/** The theme in use. */
export interface Theme {
  color: boolean;
  /** The colour for `tone`, or undefined without colour. */
  c(tone: Tone): string | undefined;
}

/** Builds a theme. */
export function makeTheme(color: boolean): Theme {
  return { color, c: (tone) => (color ? COLORS[tone] : undefined) };
}

const ThemeContext = createContext<Theme>(makeTheme(true));

/** Provides the theme to the app. */
export function ThemeProvider(props: { theme: Theme; children: ReactNode }) {
  return <ThemeContext.Provider value={props.theme}>{props.children}</ThemeContext.Provider>;
}

/** The theme in use. */
export function useTheme(): Theme {
  return useContext(ThemeContext);
}

/** True when colour should be used: not NO_COLOR, not --no-color. */
export function colorWanted(
  flagColor: boolean | undefined,
  env: (n: string) => string | undefined,
): boolean {
  const noColor = env("NO_COLOR");
  return flagColor !== false && (noColor === undefined || noColor === "");
}
