/** The name of the string the generated code renders into. */
export const OUT = '_tt_out';
/** The local holding the index of the location being run, for error messages. */
export const LOC = '_tt_loc';

/**
 * Ends a piece of user code where the generated code goes on after it: a newline is added when
 * the code holds `//`, whose comment would otherwise swallow the rest of the line.
 */
export function endCode(code: string): string {
  return code.includes('//') ? `${code}\n` : code;
}

/**
 * Writes the statements of a compiled template. Consecutive output is joined into one
 * `out += a + b + c;` and the location local is stored only before code that can throw and only
 * when it changes, so straight-line template text costs what a hand-written function would.
 */
export class CodeWriter {
  #lines: string[] = [];
  #indent: number;
  #chain: string[] = [];
  #chainHasCode = false;
  /** Text not yet added to the chain, so adjacent pieces become one literal. */
  #text = '';
  /** The location index the generated code is known to hold in LOC here, or -1 when unknown. */
  #known = -1;
  /** The string variable output goes to (apply blocks render into their own). */
  #out = OUT;
  /** Above 0 inside a try body: text is appended before each expression runs, as Tornado does. */
  #exact = 0;

  constructor(indent = 0) {
    this.#indent = indent;
  }

  get out(): string {
    return this.#out;
  }

  /** Appends literal text to the output. */
  text(value: string): void {
    this.#text += value;
  }

  /** Appends the string an expression evaluates to; `location` is stored first if it changed. */
  value(code: string, location: number): void {
    if (location !== this.#known) {
      if (this.#chainHasCode) this.flush();
      this.#emit(`${LOC} = ${location};`);
      this.#known = location;
    }
    if (this.#exact > 0 && (this.#chain.length > 0 || this.#text !== '')) this.flush();
    this.#endText();
    this.#chain.push(code);
    this.#chainHasCode = true;
  }

  /** Makes sure LOC holds `location` before the next statement. */
  location(location: number): void {
    this.flush();
    if (location === this.#known) return;
    this.#emit(`${LOC} = ${location};`);
    this.#known = location;
  }

  /** Declares that LOC holds `location` here (after a condition that stored it), or -1 for unknown. */
  assume(location: number): void {
    this.#known = location;
  }

  /** Writes a statement after any pending output. */
  line(code: string): void {
    this.flush();
    this.#emit(code);
  }

  /** Writes `header` (which ends with `{`) and indents; the location becomes unknown inside. */
  open(header: string, known = -1): void {
    this.line(header);
    this.#indent++;
    this.#known = known;
  }

  /** Closes the innermost block and opens its sibling with `header` (`} else {`). */
  next(header: string, known = -1): void {
    this.flush();
    this.#indent--;
    this.#emit(header);
    this.#indent++;
    this.#known = known;
  }

  /** Closes the innermost open block with `footer`; the location is unknown after it. */
  close(footer = '}', known = -1): void {
    this.flush();
    this.#indent--;
    this.#emit(footer);
    this.#known = known;
  }

  /** Writes pending output. */
  flush(): void {
    this.#endText();
    if (this.#chain.length === 0) return;
    this.#emit(`${this.#out} += ${this.#chain.join(' + ')};`);
    this.#chain = [];
    this.#chainHasCode = false;
  }

  /** Runs `write` with output going to the string variable `out`. */
  into(out: string, write: () => void): void {
    this.flush();
    const saved = this.#out;
    this.#out = out;
    try {
      write();
      this.flush();
    } finally {
      this.#out = saved;
    }
  }

  /** Runs `write` in Tornado's exact-output mode (a try body: no text lost to a later error). */
  exact(write: () => void): void {
    this.flush();
    this.#exact++;
    try {
      write();
      this.flush();
    } finally {
      this.#exact--;
    }
  }

  /**
   * Runs `write` and returns the lines it wrote instead of keeping them, to be placed with
   * {@link lines} `depth` blocks further in, where LOC holds `known` (-1: unknown). The writer's
   * own state is left as it was.
   */
  capture(write: () => void, known = -1, depth = 0): string[] {
    this.flush();
    const savedLines = this.#lines;
    const savedKnown = this.#known;
    this.#lines = [];
    this.#known = known;
    this.#indent += depth;
    try {
      write();
      this.flush();
      return this.#lines;
    } finally {
      this.#indent -= depth;
      this.#lines = savedLines;
      this.#known = savedKnown;
    }
  }

  /** Places captured lines (written at the current indentation) here. */
  lines(captured: readonly string[]): void {
    this.flush();
    for (const line of captured) this.#lines.push(line);
  }

  /** All the code written so far. */
  toString(): string {
    this.flush();
    return this.#lines.join('\n');
  }

  #endText(): void {
    if (this.#text === '') return;
    this.#chain.push(JSON.stringify(this.#text));
    this.#text = '';
  }

  #emit(code: string): void {
    this.#lines.push('  '.repeat(this.#indent) + code);
  }
}
