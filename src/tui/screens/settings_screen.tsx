/**
 * Settings: transfer defaults and (read-only for now) scheduled jobs.
 *
 * @module
 */

import { Box, Text } from "ink";
import type { AppState } from "../state/app_state.ts";
import { SETTINGS_FIELDS } from "../state/settings_screen.ts";
import { useTheme } from "../theme.tsx";
import { fit, formatDate } from "../format.ts";
import { FormFields, ScreenTitle } from "../components/fields.tsx";

const SCHEDULED = " Scheduled jobs";

/** The settings screen. */
export function SettingsScreen(props: { s: AppState }) {
  const t = useTheme();
  const s = props.s;
  const w = s.size.columns;
  const jobs = s.settings.jobs;
  const m = s.settings.message;
  return (
    <Box flexDirection="column">
      <ScreenTitle text="Settings" />
      <Text dimColor>
        {fit(" Defaults for backups and restores started here (command-line flags still win).", w)}
      </Text>
      <FormFields
        fields={[...SETTINGS_FIELDS]}
        form={s.settings.form}
        width={w}
        hints={{
          concurrency: "files at once, 1-64",
          bwlimit: "e.g. 10M, 512K",
          storageClass: "Enter: choose",
        }}
        placeholders={{ concurrency: "8", bwlimit: "unlimited", storageClass: "(bucket default)" }}
      />
      {m
        ? <Text color={t.c(m.tone === "info" ? "info" : m.tone)}>{fit(" " + m.text, w)}</Text>
        : <Box height={1} />}
      <Box height={1} />
      <Text bold>{SCHEDULED}</Text>
      {jobs === null ? <Text dimColor>{" Loading..."}</Text> : jobs.length === 0
        ? (
          <Text dimColor>
            {fit(" None. Add one with 'eigen-s3 schedule add NAME --folder DIR --cron EXPR'.", w)}
          </Text>
        )
        : jobs.map((j) => (
          <Box key={j.name} flexDirection="column">
            <Text color={j.valid ? undefined : t.c("error")}>
              {fit(`  ${j.name}: ${j.what}`, w)}
            </Text>
            <Text dimColor>
              {fit(
                `    next ${j.nextRun ? formatDate(j.nextRun) : "-"} · last ${
                  j.lastStatus ?? "never ran"
                }`,
                w,
              )}
            </Text>
          </Box>
        ))}
    </Box>
  );
}
