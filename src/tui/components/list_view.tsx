/**
 * A windowed list: draws only the rows that fit around the cursor, so lists of any length
 * stay fast.
 *
 * @module
 */

import { Box, Text } from "ink";
import type { ReactNode } from "react";
import { windowStart } from "../state/list_cursor.ts";
import { useTheme } from "../theme.tsx";

/** Props of {@link ListView}. */
export interface ListViewProps<T> {
  items: readonly T[];
  cursor: number;
  height: number;
  /** Whether the list has the focus (cursor drawn inverse) or not (cursor dim). */
  focused: boolean;
  /** Renders one row's text. */
  render: (item: T, index: number, selected: boolean) => ReactNode;
  /** Shown when there are no items. */
  empty?: string;
  /** Shown after the last item (e.g. "loading more..."). */
  footer?: string | null;
}

/** The list. */
export function ListView<T>(p: ListViewProps<T>) {
  const t = useTheme();
  const extra = p.footer ? 1 : 0;
  const height = Math.max(1, p.height - extra);
  const start = windowStart(p.cursor, p.items.length, height);
  const visible = p.items.slice(start, start + height);
  return (
    <Box flexDirection="column" height={p.height}>
      {p.items.length === 0 && p.empty ? <Text dimColor>{p.empty}</Text> : null}
      {visible.map((item, i) => {
        const index = start + i;
        const on = index === p.cursor;
        return (
          <Text
            key={index}
            inverse={on && p.focused}
            bold={on}
            color={on && !p.focused ? t.c("accent") : undefined}
            wrap="truncate"
          >
            {p.render(item, index, on)}
          </Text>
        );
      })}
      {p.footer ? <Text dimColor>{p.footer}</Text> : null}
    </Box>
  );
}
