/**
 * The form that adds or edits a scheduled job, built from the shared form widgets: errors
 * under the field they name, the cron expression's next runs under it as it is typed.
 *
 * @module
 */

import { Box, Text } from "ink";
import type { ReactNode } from "react";
import type { AppState, JobFormState } from "../state/app_state.ts";
import { jobFormFields } from "../state/schedule_form.ts";
import { useTheme } from "../theme.tsx";
import { fit, runsText } from "../format.ts";
import { FormFields, LABEL_WIDTH, ScreenTitle } from "./fields.tsx";

/** A line under a field, aligned with the values. */
function Under(props: { width: number; children: ReactNode }) {
  return (
    <Box paddingLeft={LABEL_WIDTH + 2} width={props.width}>
      {props.children}
    </Box>
  );
}

/** The job form. */
export function JobForm(props: { s: AppState; jf: JobFormState; width: number }) {
  const t = useTheme();
  const { jf, width: w } = props;
  const after: Record<string, ReactNode> = {};
  for (const [field, message] of Object.entries(jf.errors)) {
    after[field] = (
      <Under width={w}>
        <Text color={t.c("error")} wrap="wrap">{`✗ ${message}`}</Text>
      </Under>
    );
  }
  const cron = (jf.form.values.cron ?? "").trim();
  if (!jf.errors.cron && cron !== "") {
    after.cron = (
      <Under width={w}>
        <Text color={jf.preview ? t.c("ok") : undefined} dimColor={!jf.preview} wrap="wrap">
          {jf.preview ? `next: ${runsText(jf.preview.runs, jf.preview.timezone)}` : "checking..."}
        </Text>
      </Under>
    );
  }
  const profiles = props.s.config;
  const fallback = profiles?.default_profile ?? Object.keys(profiles?.profiles ?? {}).sort()[0];
  const systemZone = !(jf.form.values.timezone ?? "").trim() && jf.preview
    ? `: ${jf.preview.timezone}`
    : "";
  const m = jf.message;
  return (
    <Box flexDirection="column">
      <ScreenTitle
        text={jf.editing === null
          ? "Settings › New scheduled job"
          : `Settings › Edit job '${jf.editing}'`}
      />
      <Text dimColor>
        {fit(" Backs up a folder on a schedule: 'eigen-s3 daemon' or installed timers run it.", w)}
      </Text>
      <FormFields
        fields={jobFormFields(jf)}
        form={jf.form}
        width={w}
        labels={{ options: "Options" }}
        tails={["folder"]}
        after={after}
        hints={{
          folder: "Enter: browse",
          profile: "Enter: choose",
          cron: "min hour day month weekday",
          timezone: "e.g. Europe/Berlin, UTC",
          exclude: "globs, e.g. *.tmp **/cache",
          max_delete: "e.g. 100 or 10%",
        }}
        placeholders={{
          name: "(letters, digits, . _ -)",
          folder: "(choose a folder)",
          profile: `(default profile${fallback ? `: ${fallback}` : ""})`,
          prefix: "(the folder's name; / for the root)",
          cron: "0 3 * * *  or @daily",
          timezone: `(system${systemZone})`,
          exclude: "(none)",
          max_delete: "(50% of the objects)",
        }}
      />
      {m
        ? (
          <Text color={t.c(m.tone === "info" ? "info" : m.tone)} wrap="wrap">
            {" " + m.text}
          </Text>
        )
        : null}
      {jf.extras.length > 0
        ? <Text dimColor>{fit(` Also kept (not shown here): ${jf.extras.join(", ")}.`, w)}</Text>
        : null}
    </Box>
  );
}
