/**
 * Element events to small trees, one part of the report at a time. Only the elements the report
 * reader asks for (a Shape) are kept, each as the plain object a whole-document parser gives: a
 * leaf is its trimmed text, an element with children an object, a repeated element a list. The
 * streamed element (each <record>) is handed out as soon as it closes and then dropped, so what
 * is held at any moment is the report header and one record.
 */
import { MAX_SPAN, spanError, type XmlSink } from './xml.js';

export type Node = Record<string, unknown>;

/** An element the reader reads: `many` when it may repeat, `shape` for its children (none: a leaf). */
export interface Field {
  many?: true;
  shape?: Shape;
}
export type Shape = Readonly<Record<string, Field>>;

interface Frame {
  name: string;
  field: Field;
  node: Node;
  hasChildren: boolean;
  text: string;
}

const interned = new Map<string, string>();

/**
 * A copy of the text that holds no reference to the parser's chunk (V8 keeps the whole chunk alive
 * behind a substring), shared between the many records that repeat the same domain or result.
 */
function keep(s: string): string {
  if (s.length > 64) return ` ${s}`.slice(1);
  let copy = interned.get(s);
  if (copy === undefined) {
    if (interned.size >= 10_000) interned.clear();
    copy = ` ${s}`.slice(1);
    interned.set(copy, copy);
  }
  return copy;
}

export class TreeBuilder implements XmlSink {
  private readonly stack: Frame[] = [];
  /** Depth inside an element nobody reads: its events are only counted. */
  private skipped = 0;
  private done = false;
  /** The root's value once closed: an object when it had children, else its text. */
  root: unknown;

  constructor(
    private readonly rootName: string,
    private readonly rootShape: Shape,
    private readonly streamed: string,
    private readonly onStreamed: (value: unknown) => void,
  ) {}

  open(name: string): void {
    if (this.skipped > 0) return void this.skipped++;
    const parent = this.stack.at(-1);
    if (!parent) {
      if (this.done || name !== this.rootName) return void (this.skipped = 1);
      return void this.stack.push({ name, field: { shape: this.rootShape }, node: {}, hasChildren: false, text: '' });
    }
    parent.hasChildren = true;
    parent.text = '';
    const shape = parent.field.shape;
    const field = shape && Object.hasOwn(shape, name) ? shape[name] : undefined;
    // Of an element that may appear once, the first is the one read, as before.
    if (!field || (!field.many && Object.hasOwn(parent.node, name))) return void (this.skipped = 1);
    this.stack.push({ name, field, node: {}, hasChildren: false, text: '' });
  }

  text(text: string): void {
    const top = this.stack.at(-1);
    if (this.skipped > 0 || !top || top.hasChildren) return;
    top.text += text;
    if (top.text.length > MAX_SPAN) throw spanError();
  }

  close(): void {
    if (this.skipped > 0) return void this.skipped--;
    const frame = this.stack.pop();
    if (!frame) return;
    const value = frame.hasChildren ? frame.node : keep(frame.text.trim());
    const parent = this.stack.at(-1);
    if (!parent) {
      this.root = value;
      this.done = true;
    } else if (this.stack.length === 1 && frame.name === this.streamed) {
      this.onStreamed(value);
    } else {
      const had = parent.node[frame.name];
      if (had === undefined) parent.node[frame.name] = value;
      else if (Array.isArray(had)) had.push(value);
      else parent.node[frame.name] = [had, value];
    }
  }
}
