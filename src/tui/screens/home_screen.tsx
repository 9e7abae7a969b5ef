/**
 * The home menu: the five screens with what each does, and the active profile's last backup.
 *
 * @module
 */

import { Box, Text } from "ink";
import type { AppState } from "../state/app_state.ts";
import { HOME_ITEMS } from "../state/root_reducer.ts";
import { useTheme } from "../theme.tsx";
import { cell, fit, formatDate } from "../format.ts";

/** The home screen. */
export function HomeScreen(props: { s: AppState }) {
  const t = useTheme();
  const s = props.s;
  const w = s.size.columns;
  const p = s.profile ? s.config?.profiles[s.profile] : undefined;
  const profiles = Object.keys(s.config?.profiles ?? {}).length;
  return (
    <Box flexDirection="column" paddingX={1}>
      <Text bold color={t.c("accent")}>Archival backups to S3-compatible storage</Text>
      <Box height={1} />
      {HOME_ITEMS.map((it, i) => {
        const on = i === s.homeCursor;
        return (
          <Text key={it.screen} inverse={on} bold={on}>
            {fit(` ${i + 1}  ${cell(it.title, 18)} ${it.about}`, w - 4)}
          </Text>
        );
      })}
      <Box height={1} />
      {p
        ? (
          <>
            <Text>
              {fit(
                `Profile '${s.profile}' (${profiles} saved): bucket ${p.bucket_name} at ${
                  p.endpoint || "AWS S3"
                }, ${p.region}`,
                w - 2,
              )}
            </Text>
            <Text dimColor>
              {fit(
                `Last successful backup: ${
                  p.last_sync_timestamp ? formatDate(p.last_sync_timestamp) : "never"
                }`,
                w - 2,
              )}
            </Text>
          </>
        )
        : s.config === null
        ? <Text dimColor>Loading the configuration...</Text>
        : <Text color={t.c("warn")}>No profile yet: open S3 configuration (1) to set one up.</Text>}
      <Box height={1} />
      <Text dimColor>
        {fit(
          "Keys: ↑↓ and Enter, or the numbers 1-5. Esc comes back here. ? shows the keys of any screen.",
          w - 2,
        )}
      </Text>
    </Box>
  );
}
