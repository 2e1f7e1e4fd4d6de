import type { Document, LineCounter, Node } from 'yaml';
import { yaml } from './load-yaml.ts';
import { NodefarmError } from '../errors.ts';
import { suggest } from './did-you-mean.ts';

/** A map entry of a nodefarm.yml: its key, value node (null when empty) and the key's line. */
export interface Entry {
  readonly key: string;
  readonly node: Node | null;
  readonly line: number;
}

/**
 * Walks a parsed YAML document and turns every shape mistake into a NodefarmError CONFIG_INVALID naming the
 * file, the line (from the document's LineCounter), the key and what was expected.
 */
export class YamlReader {
  readonly file: string;
  private readonly doc: Document;
  private readonly lines: LineCounter;

  constructor(file: string, doc: Document, lines: LineCounter) {
    this.file = file;
    this.doc = doc;
    this.lines = lines;
  }

  /** 1-based line of a node (or of the file start for a node without a range). */
  lineOf(node: Node | null | undefined, fallback = 1): number {
    const offset = node?.range?.[0];
    return offset === undefined ? fallback : this.lines.linePos(offset).line;
  }

  error(line: number, key: string, problem: string, value?: string): NodefarmError {
    return new NodefarmError('CONFIG_INVALID', { file: this.file, line, key, problem, value });
  }

  /** Follows an alias to its anchor so `*name` behaves like a copy. */
  resolve(node: unknown): Node | null {
    if (node === null || node === undefined) return null;
    if (yaml().isAlias(node)) return (node.resolve(this.doc) as Node | undefined) ?? null;
    return node as Node;
  }

  /**
   * The entries of a mapping. Keys outside `allowed` are errors with a did-you-mean; pass `null` to accept
   * any key (env maps, iisnode settings which the caller checks itself).
   */
  entries(node: Node | null, key: string, line: number, allowed: readonly string[] | null): Entry[] {
    if (node === null) return [];
    if (!yaml().isMap(node)) throw this.error(this.lineOf(node, line), key || '(top level)', 'expected a mapping of key: value lines');
    return node.items.map((pair) => {
      const keyNode = this.resolve(pair.key);
      const name = yaml().isScalar(keyNode) ? String(keyNode.value) : '';
      const at = this.lineOf(keyNode, line);
      const path = key === '' ? name : `${key}.${name}`;
      if (allowed !== null && !allowed.includes(name)) {
        const close = suggest(name, allowed);
        const hint = close ? `; did you mean '${close}'?` : `; expected one of ${allowed.join(', ')}`;
        throw this.error(at, path, `unknown key '${name}'${hint}`);
      }
      return { key: path, node: this.resolve(pair.value), line: at };
    });
  }

  /** A scalar as text (numbers and booleans in their YAML spelling); undefined when the value is empty. */
  text(entry: Entry): string | undefined {
    const node = entry.node;
    if (node === null || (yaml().isScalar(node) && node.value === null)) return undefined;
    if (!yaml().isScalar(node)) throw this.error(entry.line, entry.key, 'expected a single value, not a list or mapping');
    return String(node.value);
  }

  /** A scalar that must be present and non-empty. */
  requiredText(entry: Entry): string {
    const value = this.text(entry);
    if (value === undefined || value.trim() === '') throw this.error(entry.line, entry.key, 'a value is required');
    return value;
  }

  /** A list of scalars; a single scalar counts as a list of one. */
  list(entry: Entry): string[] {
    const node = entry.node;
    if (node === null) return [];
    if (yaml().isSeq(node)) {
      return node.items.map((item) => {
        const resolved = this.resolve(item);
        return this.requiredText({ key: entry.key, node: resolved, line: this.lineOf(resolved, entry.line) });
      });
    }
    return [this.requiredText(entry)];
  }

  /** The items of a sequence with their lines. */
  items(entry: Entry): { node: Node | null; line: number }[] {
    const node = entry.node;
    if (node === null) return [];
    if (!yaml().isSeq(node)) throw this.error(entry.line, entry.key, 'expected a list (lines starting with "- ")');
    return node.items.map((item) => {
      const resolved = this.resolve(item);
      return { node: resolved, line: this.lineOf(resolved, entry.line) };
    });
  }
}
