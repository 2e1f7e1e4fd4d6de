/** One element of a parsed XML document (text content is dropped: web.config carries data in attributes). */
export interface XmlElement {
  readonly name: string;
  readonly attributes: readonly XmlAttribute[];
  readonly children: readonly XmlElement[];
  /** 1-based line of the element's `<`. */
  readonly line: number;
}

export interface XmlAttribute {
  readonly name: string;
  readonly value: string;
  /** 1-based line of the attribute's name. */
  readonly line: number;
}

export type XmlResult =
  | { readonly ok: true; readonly root: XmlElement }
  | { readonly ok: false; readonly line: number; readonly problem: string };

/** Limits that keep a hostile file from costing more than a real web.config ever needs. */
export const xmlLimits = Object.freeze({ maxBytes: 4 * 1024 * 1024, maxDepth: 64, maxElements: 100_000 });

const NAME = /[A-Za-z_:][-A-Za-z0-9_:.]*/y;
const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

class XmlSyntaxError extends Error {
  readonly line: number;
  constructor(line: number, problem: string) {
    super(problem);
    this.line = line;
  }
}

/**
 * A small, non-validating XML reader for configuration files. Safe by construction: a DOCTYPE is refused
 * (so no entity expansion and no external entities), only the five predefined entities and numeric
 * character references are decoded, and size, depth and element count are capped. Errors are values with
 * the line they were found on.
 */
export function readXml(text: string): XmlResult {
  if (text.length > xmlLimits.maxBytes) return { ok: false, line: 1, problem: `file larger than ${xmlLimits.maxBytes} bytes` };
  try {
    return { ok: true, root: new Reader(text.replace(/^\uFEFF/, '')).document() };
  } catch (err) {
    if (err instanceof XmlSyntaxError) return { ok: false, line: err.line, problem: err.message };
    throw err;
  }
}

class Reader {
  readonly #s: string;
  #i = 0;
  #line = 1;
  #elements = 0;

  constructor(text: string) {
    this.#s = text;
  }

  document(): XmlElement {
    this.#misc();
    if (!this.#s.startsWith('<', this.#i) || this.#s.startsWith('</', this.#i)) this.#fail('expected the root element');
    const root = this.#element(0);
    this.#misc();
    if (this.#i < this.#s.length) this.#fail('content after the root element');
    return root;
  }

  /** Skips whitespace, comments, processing instructions (`<?xml …?>`); refuses DOCTYPE. */
  #misc(): void {
    for (;;) {
      this.#space();
      if (this.#s.startsWith('<?', this.#i)) this.#skipPast('?>', 'processing instruction');
      else if (this.#s.startsWith('<!--', this.#i)) this.#skipPast('-->', 'comment');
      else if (this.#s.startsWith('<!DOCTYPE', this.#i)) this.#fail('DOCTYPE declarations are not accepted (no entity definitions)');
      else return;
    }
  }

  #element(depth: number): XmlElement {
    if (depth >= xmlLimits.maxDepth) this.#fail(`elements nested deeper than ${xmlLimits.maxDepth}`);
    if (++this.#elements > xmlLimits.maxElements) this.#fail(`more than ${xmlLimits.maxElements} elements`);
    const line = this.#line;
    this.#i++; // '<'
    const name = this.#name('element name');
    const attributes: XmlAttribute[] = [];
    for (;;) {
      const hadSpace = this.#space();
      if (this.#s.startsWith('/>', this.#i)) {
        this.#i += 2;
        return { name, attributes, children: [], line };
      }
      if (this.#s[this.#i] === '>') {
        this.#i++;
        break;
      }
      if (!hadSpace) this.#fail(`expected whitespace, '>' or '/>' in <${name}>`);
      const attrLine = this.#line;
      const attr = this.#name('attribute name');
      if (attributes.some((a) => a.name === attr)) this.#fail(`attribute '${attr}' repeated in <${name}>`);
      this.#space();
      if (this.#s[this.#i] !== '=') this.#fail(`expected '=' after attribute '${attr}'`);
      this.#i++;
      this.#space();
      attributes.push({ name: attr, value: this.#quoted(attr), line: attrLine });
    }
    const children: XmlElement[] = [];
    for (;;) {
      this.#text();
      if (this.#i >= this.#s.length) this.#fail(`<${name}> (line ${line}) is never closed`);
      if (this.#s.startsWith('</', this.#i)) {
        this.#i += 2;
        const end = this.#name('closing tag name');
        if (end !== name) this.#fail(`</${end}> closes <${name}> (line ${line})`);
        this.#space();
        if (this.#s[this.#i] !== '>') this.#fail(`expected '>' after </${end}`);
        this.#i++;
        return { name, attributes, children, line };
      }
      if (this.#s.startsWith('<!--', this.#i)) this.#skipPast('-->', 'comment');
      else if (this.#s.startsWith('<![CDATA[', this.#i)) this.#skipPast(']]>', 'CDATA section');
      else if (this.#s.startsWith('<?', this.#i)) this.#skipPast('?>', 'processing instruction');
      else if (this.#s.startsWith('<!', this.#i)) this.#fail('unexpected markup declaration');
      else children.push(this.#element(depth + 1));
    }
  }

  /** Character data between tags: skipped, but entities in it must still be well-formed. */
  #text(): void {
    while (this.#i < this.#s.length && this.#s[this.#i] !== '<') {
      const ch = this.#s[this.#i];
      if (ch === '&') this.#entity();
      else {
        if (ch === '\n') this.#line++;
        this.#i++;
      }
    }
  }

  #quoted(attr: string): string {
    const quote = this.#s[this.#i];
    if (quote !== '"' && quote !== "'") this.#fail(`value of attribute '${attr}' must be quoted`);
    this.#i++;
    let value = '';
    for (;;) {
      const ch = this.#s[this.#i];
      if (ch === undefined) this.#fail(`value of attribute '${attr}' is never closed`);
      if (ch === quote) {
        this.#i++;
        return value;
      }
      if (ch === '<') this.#fail(`'<' inside the value of attribute '${attr}'`);
      if (ch === '&') {
        value += this.#entity();
        continue;
      }
      if (ch === '\n') this.#line++;
      // XML attribute-value normalisation: each whitespace character becomes a space.
      value += ch === '\n' || ch === '\r' || ch === '\t' ? ' ' : ch;
      this.#i++;
    }
  }

  #entity(): string {
    const end = this.#s.indexOf(';', this.#i);
    if (end < 0 || end - this.#i > 12) this.#fail("'&' that does not start an entity (write &amp;)");
    const body = this.#s.slice(this.#i + 1, end);
    this.#i = end + 1;
    const named = PREDEFINED[body];
    if (named !== undefined) return named;
    const num = /^#x([0-9A-Fa-f]+)$/.exec(body)?.[1] ?? /^#([0-9]+)$/.exec(body)?.[1];
    if (num !== undefined) {
      const code = Number.parseInt(num, body.startsWith('#x') ? 16 : 10);
      if (code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff)) return String.fromCodePoint(code);
    }
    return this.#fail(`unknown entity &${body};`);
  }

  #name(what: string): string {
    NAME.lastIndex = this.#i;
    const m = NAME.exec(this.#s);
    if (!m) this.#fail(`expected ${what}`);
    this.#i += m[0].length;
    return m[0];
  }

  #space(): boolean {
    const start = this.#i;
    for (;;) {
      const ch = this.#s[this.#i];
      if (ch === '\n') this.#line++;
      else if (ch !== ' ' && ch !== '\t' && ch !== '\r') return this.#i > start;
      this.#i++;
    }
  }

  #skipPast(terminator: string, what: string): void {
    const end = this.#s.indexOf(terminator, this.#i);
    if (end < 0) this.#fail(`${what} is never closed`);
    for (let k = this.#i; k < end; k++) if (this.#s.charCodeAt(k) === 10) this.#line++;
    this.#i = end + terminator.length;
  }

  #fail(problem: string): never {
    throw new XmlSyntaxError(this.#line, problem);
  }
}
