import { assertEquals } from "../../support/assert.ts";
import { needsTransfer, type TransferFacts } from "../../../src/engine/backup/needs_transfer.ts";
import {
  changeId,
  isSettled,
  type ManifestRow,
  SETTLE_MS,
} from "../../../src/engine/state/manifest.ts";

const MD5_A = "0cc175b9c0f1b6a831c399e269772661";
const MD5_B = "92eb5ffee6ae2fec3ad71c777531578f";
const MULTI = "e2fc714c4727ee9395f324cd2e7f331f-3";

const local = { size: 100, mtimeMs: 1_700_000_000_000, ctimeMs: 1_700_000_000_000, ino: 42 };

function row(over: Partial<ManifestRow> = {}): ManifestRow {
  return {
    key: "p/a",
    size: 100,
    mtime_ms: local.mtimeMs,
    change_id: changeId(local),
    md5_hex: MD5_A,
    etag: MD5_A,
    recorded_at: "2026-01-01T00:00:00.000Z",
    ...over,
  };
}

interface Case {
  name: string;
  facts: TransferFacts;
  verdict: "skip" | "upload" | "hash" | "head";
  reason: string;
  refreshRow?: boolean;
}

const cases: Case[] = [
  {
    name: "no object, no row: new file",
    facts: { local },
    verdict: "upload",
    reason: "new file",
  },
  {
    name: "no object but a row: deleted in the bucket",
    facts: { local, row: row() },
    verdict: "upload",
    reason: "missing from the bucket",
  },
  {
    name: "sizes differ: upload without hashing",
    facts: { local, remote: { size: 99, etag: MD5_A }, row: row() },
    verdict: "upload",
    reason: "size differs (local 100, bucket 99)",
  },
  {
    name: "fast path: size, mtime, change id and ETag match the row",
    facts: { local, remote: { size: 100, etag: MD5_A }, row: row() },
    verdict: "skip",
    reason: "unchanged (size, mtime and ETag match the manifest)",
    refreshRow: false,
  },
  {
    name: "fast path also for multipart ETags",
    facts: { local, remote: { size: 100, etag: MULTI }, row: row({ etag: MULTI }) },
    verdict: "skip",
    reason: "unchanged (size, mtime and ETag match the manifest)",
    refreshRow: false,
  },
  {
    name: "no row: hash first",
    facts: { local, remote: { size: 100, etag: MD5_A } },
    verdict: "hash",
    reason: "no manifest entry: comparing checksums",
  },
  {
    name: "mtime changed: hash",
    facts: {
      local: { ...local, mtimeMs: local.mtimeMs + 1 },
      remote: { size: 100, etag: MD5_A },
      row: row(),
    },
    verdict: "hash",
    reason: "modification time changed",
  },
  {
    name: "same size and mtime, rewritten (ctime changed): hash",
    facts: {
      local: { ...local, ctimeMs: local.ctimeMs + 5000 },
      remote: { size: 100, etag: MD5_A },
      row: row(),
    },
    verdict: "hash",
    reason: "file was rewritten (ctime/inode changed)",
  },
  {
    name: "same size and mtime, replaced (inode changed): hash",
    facts: { local: { ...local, ino: 43 }, remote: { size: 100, etag: MD5_A }, row: row() },
    verdict: "hash",
    reason: "file was rewritten (ctime/inode changed)",
  },
  {
    name: "row recorded while the file was settling: hash",
    facts: { local, remote: { size: 100, etag: MD5_A }, row: row({ change_id: null }) },
    verdict: "hash",
    reason: "file changed just before the last backup",
  },
  {
    name: "object replaced in the bucket: hash",
    facts: { local, remote: { size: 100, etag: MD5_B }, row: row() },
    verdict: "hash",
    reason: "object changed in the bucket since the last backup",
  },
  {
    name: "rewritten with the same content: skip and refresh the row",
    facts: {
      local: { ...local, ctimeMs: 9 },
      remote: { size: 100, etag: MD5_A },
      row: row(),
      localMd5: MD5_A,
    },
    verdict: "skip",
    reason: "content identical (MD5 match)",
    refreshRow: true,
  },
  {
    name: "same-size edit with mtime kept: the hash differs from the row's: upload",
    facts: {
      local: { ...local, ctimeMs: 9 },
      remote: { size: 100, etag: MD5_A },
      row: row(),
      localMd5: MD5_B,
    },
    verdict: "upload",
    reason: "content differs (MD5)",
  },
  {
    name: "multipart object, its row matches: the row's MD5 is used (no HEAD)",
    facts: {
      local: { ...local, ctimeMs: 9 },
      remote: { size: 100, etag: MULTI },
      row: row({ etag: MULTI }),
      localMd5: MD5_A,
    },
    verdict: "skip",
    reason: "content identical (MD5 match)",
    refreshRow: true,
  },
  {
    name: "no row, single-part object: compare with the ETag",
    facts: { local, remote: { size: 100, etag: MD5_A.toUpperCase() }, localMd5: MD5_A },
    verdict: "skip",
    reason: "content identical (MD5 match)",
    refreshRow: true,
  },
  {
    name: "no row, single-part object with other content",
    facts: { local, remote: { size: 100, etag: MD5_B }, localMd5: MD5_A },
    verdict: "upload",
    reason: "content differs (MD5)",
  },
  {
    name: "no row, multipart object: HEAD that one object",
    facts: { local, remote: { size: 100, etag: MULTI }, localMd5: MD5_A },
    verdict: "head",
    reason: "multipart object without a manifest entry",
  },
  {
    name: "no row, multipart object whose md5chksum matches",
    facts: { local, remote: { size: 100, etag: MULTI }, localMd5: MD5_A, remoteMd5: MD5_A },
    verdict: "skip",
    reason: "content identical (MD5 match)",
    refreshRow: true,
  },
  {
    name: "no row, multipart object without md5chksum: upload to be sure",
    facts: { local, remote: { size: 100, etag: MULTI }, localMd5: MD5_A, remoteMd5: null },
    verdict: "upload",
    reason: "the object's checksum is unknown",
  },
  {
    name: "SSE-KMS: plain ETags are not MD5s, so HEAD",
    facts: { local, remote: { size: 100, etag: MD5_A }, localMd5: MD5_A, etagsNotMd5: true },
    verdict: "head",
    reason: "the ETag is not an MD5 (SSE-KMS) and no manifest entry matches",
  },
  {
    name: "0-byte file with the empty MD5 ETag and no row",
    facts: {
      local: { ...local, size: 0 },
      remote: { size: 0, etag: "d41d8cd98f00b204e9800998ecf8427e" },
      localMd5: "d41d8cd98f00b204e9800998ecf8427e",
    },
    verdict: "skip",
    reason: "content identical (MD5 match)",
    refreshRow: true,
  },
];

for (const c of cases) {
  Deno.test(`needsTransfer: ${c.name}`, () => {
    const d = needsTransfer(c.facts);
    assertEquals(d.verdict, c.verdict);
    assertEquals(d.reason, c.reason);
    if (d.verdict === "skip") assertEquals(d.refreshRow, c.refreshRow);
  });
}

Deno.test("isSettled: a row is trusted only when the ctime is SETTLE_MS older than the read", () => {
  const f = { ctimeMs: 10_000, mtimeMs: 10_000 };
  assertEquals(isSettled(f, 10_000 + SETTLE_MS), true);
  assertEquals(isSettled(f, 10_000 + SETTLE_MS - 1), false);
  // A future mtime does not matter when ctime is known...
  assertEquals(isSettled({ ctimeMs: 10_000, mtimeMs: 99_999_999 }, 20_000), true);
  // ...and mtime is used where the platform gives no ctime.
  assertEquals(isSettled({ ctimeMs: null, mtimeMs: 19_000 }, 20_000), false);
  assertEquals(changeId({ ctimeMs: null, ino: null }), "-:-");
});
