import type { IisnodeSettingName } from '../iisnode-settings.ts';

/** What the importer understood from one web.config. */
export interface WebConfigImport {
  /** The app's entry script, relative to the web.config folder with `/` separators; undefined if none named. */
  readonly script: string | undefined;
  /** `<iisnode>` attributes mapped to nodefarm settings, in file order (value text as written). */
  readonly settings: readonly ImportedSetting[];
  /** `<appSettings>` after `<clear/>` and `<remove/>`, in file order: the workers' environment. */
  readonly env: readonly ImportedVariable[];
  /** What was taken over or deliberately left out because nodefarm needs nothing for it. */
  readonly mapped: readonly ImportFinding[];
  /** What could not be taken over, with why; the user should look at each. */
  readonly unmapped: readonly ImportFinding[];
}

export interface ImportedSetting {
  readonly name: IisnodeSettingName;
  readonly value: string;
  readonly line: number;
}

export interface ImportedVariable {
  readonly key: string;
  readonly value: string;
  readonly line: number;
}

/** One line of the import report. */
export interface ImportFinding {
  readonly line: number;
  /** The element or attribute, e.g. `<iisnode interceptor>` or `<rewrite> rule "static"`. */
  readonly what: string;
  readonly note: string;
}

/** A web.config that cannot be imported at all (not XML, no <configuration> root). */
export interface ImportFailure {
  readonly line: number;
  readonly problem: string;
}
