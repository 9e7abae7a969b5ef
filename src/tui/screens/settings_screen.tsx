/**
 * Settings: transfer defaults, then the scheduled jobs (list, run now); the job form replaces
 * both while a job is added or edited.
 *
 * @module
 */

import { Box, Text } from "ink";
import type { AppState } from "../state/app_state.ts";
import { SETTINGS_FIELDS } from "../state/settings_screen.ts";
import { useTheme } from "../theme.tsx";
import { fit } from "../format.ts";
import { FormFields, ScreenTitle } from "../components/fields.tsx";
import { JobForm } from "../components/job_form.tsx";
import { JobList } from "../components/job_list.tsx";

const DEFAULT_FIELDS = SETTINGS_FIELDS.filter((f) => f.id !== "jobs");

/** The settings screen. */
export function SettingsScreen(props: { s: AppState }) {
  const t = useTheme();
  const s = props.s;
  const w = s.size.columns;
  if (s.schedule.form) return <JobForm s={s} jf={s.schedule.form} width={w} />;
  const m = s.settings.message;
  return (
    <Box flexDirection="column">
      <ScreenTitle text="Settings" />
      <Text dimColor>
        {fit(" Defaults for backups and restores started here (command-line flags still win).", w)}
      </Text>
      <FormFields
        fields={DEFAULT_FIELDS}
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
      <JobList s={s} width={w} />
    </Box>
  );
}
