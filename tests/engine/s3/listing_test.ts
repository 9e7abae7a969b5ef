/**
 * The folder view of a listing page (the one `ls` and the TUI's bucket browser show): a table
 * of pages and what each becomes; then one folder, page by page, from a real server.
 */

import { PutObjectCommand } from "@aws-sdk/client-s3";
import { assertEquals } from "../../support/assert.ts";
import { createTestBucket, rawClient, s3Test } from "../../support/test_env.ts";
import {
  entryInfo,
  folderView,
  type FolderViewOptions,
  listFolder,
  type ListPage,
  type RemoteObject,
} from "../../../src/engine/s3/listing.ts";

const T = new Date("2026-01-02T03:04:05.000Z");

function obj(key: string, size = 1, over: Partial<RemoteObject> = {}): RemoteObject {
  return { key, size, etag: `e-${key}`, storageClass: "STANDARD", lastModified: T, ...over };
}

/** A row as [key, name, "dir" or the size, last modified, storage class]. */
type Row = [string, string, "dir" | number, string | null, string | null];

Deno.test("folderView: folders first, then files; keys under the path prefix, names under the prefix", () => {
  const table: [string, ListPage, string, FolderViewOptions, Row[], string | undefined][] = [
    ["an empty page", { objects: [], prefixes: [] }, "", {}, [], undefined],
    [
      "the bucket root: folders before files, each in key order",
      {
        prefixes: ["b/", "a/"],
        objects: [obj("z.txt", 3), obj("c.txt", 0, { lastModified: undefined, etag: "" })],
        nextToken: "t2",
      },
      "",
      {},
      [
        ["a/", "a/", "dir", null, null],
        ["b/", "b/", "dir", null, null],
        ["c.txt", "c.txt", 0, null, "STANDARD"],
        ["z.txt", "z.txt", 3, T.toISOString(), "STANDARD"],
      ],
      "t2",
    ],
    [
      "under a path prefix: keys relative to it, names relative to the folder",
      {
        prefixes: ["backups/Photos/2025/", "backups/Photos/2024/"],
        objects: [
          obj("backups/Photos/"),
          obj("backups/Photos/a.jpg", 5, { storageClass: "GLACIER" }),
        ],
      },
      "backups/Photos/",
      { pathPrefix: "backups/" },
      [
        ["Photos/2024/", "2024/", "dir", null, null],
        ["Photos/2025/", "2025/", "dir", null, null],
        ["Photos/a.jpg", "a.jpg", 5, T.toISOString(), "GLACIER"],
      ],
      undefined,
    ],
    [
      "the folder's own marker kept when asked (ls shows it)",
      { prefixes: [], objects: [obj("p/x/"), obj("p/x/f")] },
      "p/x/",
      { pathPrefix: "p/", keepMarker: true },
      [
        ["x/", "", 1, T.toISOString(), "STANDARD"],
        ["x/f", "f", 1, T.toISOString(), "STANDARD"],
      ],
      undefined,
    ],
    [
      "a prefix that is not a folder: an object named like it is a file, not a marker",
      { prefixes: ["photos/"], objects: [obj("photos"), obj("photos.txt")] },
      "photos",
      {},
      [
        ["photos/", "/", "dir", null, null],
        ["photos", "", 1, T.toISOString(), "STANDARD"],
        ["photos.txt", ".txt", 1, T.toISOString(), "STANDARD"],
      ],
      undefined,
    ],
    [
      "a recursive page: names keep their sub-folders; key order is UTF-8 byte order",
      { prefixes: [], objects: [obj("d/\u{1F600}"), obj("d/\uFFFD"), obj("d/s/t")] },
      "d/",
      {},
      [
        ["d/s/t", "s/t", 1, T.toISOString(), "STANDARD"],
        ["d/\uFFFD", "\uFFFD", 1, T.toISOString(), "STANDARD"],
        ["d/\u{1F600}", "\u{1F600}", 1, T.toISOString(), "STANDARD"],
      ],
      undefined,
    ],
  ];
  for (const [what, page, prefix, options, rows, next] of table) {
    const view = folderView(page, prefix, options);
    assertEquals(
      view.entries.map((e): Row => [
        e.key,
        e.name,
        e.isFolder ? "dir" : e.size,
        e.lastModified,
        e.storageClass,
      ]),
      rows,
      what,
    );
    assertEquals(view.nextToken, next, what);
  }
});

Deno.test("entryInfo: a folder-view entry as ls --json shows it", () => {
  const { entries } = folderView(
    { prefixes: ["base/a/"], objects: [obj("base/b", 7, { etag: "" })] },
    "base/",
    { pathPrefix: "base/" },
  );
  assertEquals(entries.map(entryInfo), [
    {
      key: "a/",
      size: 0,
      last_modified: null,
      e_tag: null,
      storage_class: null,
      is_prefix: true,
    },
    {
      key: "b",
      size: 7,
      last_modified: T.toISOString(),
      e_tag: null,
      storage_class: "STANDARD",
    },
  ]);
});

Deno.test(s3Test("listFolder: one folder of a real bucket, page by page"), async () => {
  const s3 = rawClient();
  const bucket = await createTestBucket(s3, "folderview");
  try {
    const keys = [
      "base/docs/",
      "base/docs/a.txt",
      "base/docs/b.txt",
      "base/docs/c.txt",
      "base/docs/sub/d.txt",
      "base/docs/sub2/e.txt",
      "base/other.txt",
    ];
    for (const key of keys) {
      await s3.send(new PutObjectCommand({ Bucket: bucket.name, Key: key, Body: key }));
    }
    const request = { prefix: "docs/", pathPrefix: "base/", maxKeys: 3 };
    const seen: string[][] = [];
    let token: string | undefined;
    do {
      const view = await listFolder(s3, bucket.name, { ...request, token });
      seen.push(view.entries.map((e) => `${e.name}${e.isFolder ? "" : `:${e.size}`}`));
      token = view.nextToken;
    } while (token);
    // The server pages keys and folders together in key order (the marker "base/docs/" takes a
    // slot of the first page but is not shown); each page shows its folders first.
    assertEquals(seen, [["a.txt:15", "b.txt:15"], ["sub/", "sub2/", "c.txt:15"]]);
    const withMarker = await listFolder(s3, bucket.name, { ...request, keepMarker: true });
    assertEquals(withMarker.entries.map((e) => e.key), ["docs/", "docs/a.txt", "docs/b.txt"]);
    const all = await listFolder(s3, bucket.name, {
      prefix: "docs/",
      pathPrefix: "base/",
      recursive: true,
    });
    assertEquals(all.entries.map((e) => e.name), [
      "a.txt",
      "b.txt",
      "c.txt",
      "sub/d.txt",
      "sub2/e.txt",
    ]);
  } finally {
    await bucket.drop();
    s3.destroy();
  }
});
