/**
 * The running totals of a backup and the events that report them: overall progress (bytes and
 * files, growing as the streamed plan finds more work), per-file done/error/retry, notices.
 *
 * @module
 */

import { type EventSink, progressPayload } from "../core/events.ts";

/** Counts planned and finished transfers and emits engine events. */
export class BackupProgress {
  filesTotal = 0;
  filesDone = 0;
  bytesTotal = 0;
  bytesDone = 0;

  constructor(
    readonly events: EventSink,
    readonly operationId: string,
    /** The bandwidth limit in force, when --bwlimit is set. */
    readonly limit?: () => number,
  ) {}

  /** A file was scheduled for upload. */
  planned(size: number): void {
    this.filesTotal += 1;
    this.bytesTotal += size;
  }

  /** A scheduled file will not be uploaded in this run after all (the run was cut off). */
  dropped(size: number): void {
    this.filesTotal -= 1;
    this.bytesTotal -= size;
  }

  /** A scheduled file turned out to have another size (it changed). */
  resized(delta: number): void {
    this.bytesTotal += delta;
  }

  /** Bytes sent for `file` (negative to take back a failed attempt). */
  sent(file: string, delta: number): void {
    this.bytesDone += delta;
    this.progress(file);
  }

  /** A scheduled file finished (uploaded, failed or vanished). */
  finished(file: string): void {
    this.filesDone += 1;
    this.progress(file);
  }

  #lastFile = "";

  /** Emits the overall progress again (the bandwidth limit changed). */
  refresh(): void {
    this.progress(this.#lastFile);
  }

  /** Emits the overall progress, naming the current file. */
  progress(file: string): void {
    this.#lastFile = file;
    const progress = progressPayload(this.operationId, file, this.bytesDone, this.bytesTotal, {
      done: this.filesDone,
      total: this.filesTotal,
    });
    if (this.limit) progress.bwlimit = this.limit();
    this.events({ type: "progress", progress });
  }

  fileDone(file: string, bytes: number, action: string): void {
    this.events({
      type: "file-done",
      operation_id: this.operationId,
      file_name: file,
      bytes,
      action,
    });
  }

  fileError(file: string, code: string, message: string): void {
    this.events({
      type: "file-error",
      operation_id: this.operationId,
      file_name: file,
      code,
      message,
    });
  }

  retry(file: string, attempt: number, message: string): void {
    this.events({
      type: "retry",
      operation_id: this.operationId,
      file_name: file,
      attempt,
      message,
    });
  }

  notice(message: string): void {
    this.events({ type: "notice", message });
  }
}
