/**
 * A progress bar with its text: `████████░░░░  45% (234 MiB / 520 MiB)`.
 *
 * @module
 */

import { Box, Text } from "ink";
import { useTheme } from "../theme.tsx";
import { percentText } from "../format.ts";

/** The bar characters for `percent` in `width` cells. */
export function barText(percent: number, width: number): string {
  const w = Math.max(1, width);
  const filled = Math.max(0, Math.min(w, Math.round((w * percent) / 100)));
  return "█".repeat(filled) + "░".repeat(w - filled);
}

/** A bar of `width` cells followed by the percentage and bytes. */
export function ProgressBar(
  props: { percent: number; bytes: number; total: number; width: number },
) {
  const t = useTheme();
  const text = percentText(props.percent, props.bytes, props.total);
  const barWidth = Math.max(10, props.width - text.length - 2);
  return (
    <Box>
      <Text color={t.c("accent")}>{barText(props.percent, barWidth)}</Text>
      <Text bold>{"  " + text}</Text>
    </Box>
  );
}
