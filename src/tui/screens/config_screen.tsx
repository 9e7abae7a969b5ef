/**
 * The S3 Configuration screen.
 *
 * @module
 */

import { Box, Text } from "ink";
import Spinner from "ink-spinner";
import type { AppState } from "../state/app_state.ts";
import { configFields, profileNames } from "../state/config_screen.ts";
import { useTheme } from "../theme.tsx";
import { fit } from "../format.ts";
import { FormFields, Gap, LABEL_WIDTH, Marker } from "../components/fields.tsx";

function ProfileRow(props: { s: AppState }) {
  const t = useTheme();
  const s = props.s;
  const names = profileNames(s);
  const focused = s.configScreen.form.focus === "profile";
  const def = s.config?.default_profile;
  return (
    <Box>
      <Marker on={focused} />
      <Text bold={focused} color={focused ? t.c("accent") : undefined}>
        {"Profile".padEnd(LABEL_WIDTH)}
      </Text>
      {names.map((n) => {
        const on = n === s.profile;
        return (
          <Text key={n}>
            <Text inverse={on} bold={on}>{` ${n}${n === def ? "*" : ""} `}</Text>
            <Gap />
          </Text>
        );
      })}
      <Text dimColor>{focused ? " ←→ switch  n new  x remove  d default" : " (* default)"}</Text>
    </Box>
  );
}

const BACKEND_WORDS: Record<string, string> = {
  keychain: "keychain",
  pass: "pass",
  file: "file",
};

const HINTS: Record<string, string> = {
  endpoint: "empty for AWS S3",
  region: "Enter: common regions",
  bucket: "Enter: list buckets",
  prefix: "optional, e.g. backups/",
};

/** The configuration screen. */
export function ConfigScreen(props: { s: AppState }) {
  const t = useTheme();
  const s = props.s;
  const c = s.configScreen;
  const w = s.size.columns;
  const fields = configFields(c).filter((f) => f.id !== "profile");
  const stored = c.mode === "edit" && s.profile
    ? s.config?.profiles[s.profile]?.secret_backend ?? "keychain"
    : null;
  const busyText = c.busy === "testing"
    ? "Testing the connection..."
    : c.busy === "saving"
    ? "Saving..."
    : c.busy === "listing"
    ? "Listing buckets..."
    : null;
  return (
    <Box flexDirection="column">
      <Text bold color={t.c("accent")}>
        {c.mode === "new" ? " S3 Configuration: new profile" : " S3 Configuration"}
      </Text>
      <Text dimColor>
        {fit(
          " Where backups go. The secret key is stored in the OS keychain, never in the config file.",
          w,
        )}
      </Text>
      {c.mode === "edit" ? <ProfileRow s={s} /> : null}
      <FormFields
        fields={fields}
        form={c.form}
        width={w}
        hints={HINTS}
        placeholders={{
          secret: stored ? `(saved in ${BACKEND_WORDS[stored] ?? stored}; type to replace)` : "",
          endpoint: "https://s3.example.com",
          name: "e.g. home-nas",
        }}
      />
      <Box height={1} />
      {busyText
        ? (
          <Text>
            <Text color={t.c("accent")}>
              <Spinner type="dots" />
            </Text>{" "}
            {busyText}
          </Text>
        )
        : null}
      {!busyText && c.result
        ? c.result.lines.map((l, i) => (
          <Text
            key={i}
            color={t.c(c.result!.tone === "info" ? "info" : c.result!.tone)}
            bold={i === 0}
            wrap="wrap"
          >
            {" " + l}
          </Text>
        ))
        : null}
    </Box>
  );
}
