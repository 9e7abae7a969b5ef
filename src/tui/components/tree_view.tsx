/**
 * The bucket browser's folder view: name, size, date and storage class per row; selected
 * entries marked; "loading more" while the next page comes.
 *
 * @module
 */

import { Box, Text } from "ink";
import type { RemoteEntry } from "../services/services.ts";
import { isSelected, type TreeState } from "../state/tree.ts";
import { useTheme } from "../theme.tsx";
import { cell, fitLeft, formatBytes, formatDate } from "../format.ts";
import { ListView } from "./list_view.tsx";

/** Column widths: size, date, class. */
const SIZE_W = 10;
const DATE_W = 16;
const CLASS_W = 12;

/** One row of the tree as text. */
export function treeRow(e: RemoteEntry, selected: boolean, width: number): string {
  const nameW = Math.max(10, width - 4 - SIZE_W - DATE_W - CLASS_W - 3);
  const mark = selected ? "[x] " : "    ";
  if (e.isFolder) return mark + cell(`▸ ${e.name}`, nameW) + " " + cell("folder", SIZE_W, true);
  return mark + cell(`  ${e.name}`, nameW) + " " + cell(formatBytes(e.size), SIZE_W, true) + " " +
    cell(formatDate(e.lastModified), DATE_W) + " " + cell(e.storageClass ?? "", CLASS_W);
}

/** Props of {@link TreeView}. */
export interface TreeViewProps {
  tree: TreeState | null;
  bucket: string;
  height: number;
  width: number;
  focused: boolean;
}

/** The folder view with its path line and column header. */
export function TreeView(p: TreeViewProps) {
  const t = useTheme();
  const tree = p.tree;
  if (!tree) {
    return <Text dimColor>No profile: set one up first (press 1).</Text>;
  }
  const where = `s3://${p.bucket}/${tree.prefix}`;
  const sel = tree.selected.length > 0 ? `  ${tree.selected.length} selected` : "";
  const count = tree.loaded ? `  ${tree.entries.length}${tree.nextToken ? "+" : ""} entries` : "";
  const nameW = Math.max(10, p.width - 4 - SIZE_W - DATE_W - CLASS_W - 3);
  const footer = tree.error
    ? null
    : tree.loading
    ? (tree.loaded ? "loading more..." : "loading...")
    : null;
  return (
    <Box flexDirection="column">
      <Text>
        <Text bold color={t.c("accent")}>{fitLeft(where, p.width - 30)}</Text>
        <Text color={t.c("ok")}>{sel}</Text>
        <Text dimColor>{count}</Text>
      </Text>
      <Text dimColor>
        {"    " + cell("Name", nameW) + " " + cell("Size", SIZE_W, true) + " " +
          cell("Modified", DATE_W) + " " +
          cell("Class", CLASS_W)}
      </Text>
      {tree.error ? <Text color={t.c("error")} wrap="wrap">{tree.error}</Text> : (
        <ListView
          items={tree.entries}
          cursor={tree.cursor}
          height={p.height}
          focused={p.focused}
          empty={tree.loading ? undefined : "(empty folder)"}
          footer={footer}
          render={(e) => treeRow(e, isSelected(tree, e.key), p.width)}
        />
      )}
    </Box>
  );
}
