/** Options of one app's file watcher. */
export interface FileWatcherOptions {
  /** The `watchedFiles` setting: `;`-separated entries relative to `baseDir`. */
  readonly watchedFiles: string;
  /** The script's folder: the base of relative entries. */
  readonly baseDir: string;
  /** Polling period (ms) for folders without change notifications (`uncFileChangesPollingInterval`). */
  readonly pollInterval: number;
  /** Quiet time (ms) after the last event before the folder is re-checked: one editor save is several events. */
  readonly debounce?: number;
  /** Longest a burst may postpone the re-check, ms. */
  readonly maxDelay?: number;
  /** Poll every folder instead of using change notifications (for file systems the automatic check misses). */
  readonly forcePolling?: boolean;
  /** Called once per burst with every entry whose fingerprint changed. */
  readonly onChange: (changes: readonly WatchChange[]) => void;
  /** Called for folders that are skipped or fall back to polling, and for ignored entries. */
  readonly onNotice?: (notice: WatchNotice) => void;
}

/** One watchedFiles entry after parsing. */
export interface WatchEntry {
  /** The entry as written (after trimming). */
  readonly text: string;
  /** Absolute folder the entry lives in. */
  readonly folder: string;
  /** The file-name part (may hold `*` and `?`). */
  readonly name: string;
  /** Absolute path (wildcards included, for messages). */
  readonly path: string;
  /** Matcher for the file-name part; null for a plain file name. */
  readonly pattern: RegExp | null;
}

/** An entry whose watched state changed. */
export interface WatchChange {
  readonly entry: WatchEntry;
  /** `changed` covers content, size, replacement, and a wildcard's set of matches. */
  readonly kind: 'created' | 'deleted' | 'changed';
}

/** Something about the watch set the user may want to know (logged at debug or warn by the caller). */
export interface WatchNotice {
  readonly kind: 'ignored-entry' | 'missing-folder' | 'polling';
  readonly text: string;
  readonly reason: string;
}

/** 100 ms joins the several events of one save; 1 s bounds the delay under a continuous stream of writes. */
export const watchDefaults = Object.freeze({ debounce: 100, maxDelay: 1000 });
