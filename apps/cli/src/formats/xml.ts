/**
 * A small XML reader and writer for the annotation formats (Pascal VOC, CVAT). It reads
 * elements, attributes, text, CDATA and the predefined and numeric entities, and skips the
 * declaration, comments, processing instructions and a DOCTYPE; it does not expand entities a
 * DTD declares. Malformed input is an error with its line number.
 */

/** An XML element: its name, attributes, child elements and its own text (trimmed). */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

/** Malformed XML, with the line it was found on. */
export class XmlError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
    this.name = "XmlError";
  }
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
const NAME = /[A-Za-z_:][-A-Za-z0-9_:.]*/y;

/**
 * Parses an XML document and returns its root element.
 *
 * @example
 * ```ts
 * const root = parseXml('<annotation><filename>a &amp; b.jpg</filename></annotation>');
 * childText(root, "filename"); // "a & b.jpg"
 * ```
 */
export function parseXml(source: string): XmlElement {
  let pos = 0;
  const lineAt = (at: number) => source.slice(0, at).split("\n").length;
  const fail = (message: string, at = pos): never => {
    throw new XmlError(message, lineAt(at));
  };
  const decode = (raw: string, at: number) =>
    raw.replace(/&([^;\s<&]*;)?/g, (_match, ref: string | undefined) => {
      if (!ref) return fail('"&" must be written &amp;', at);
      const body = ref.slice(0, -1);
      const code = /^#x[0-9a-fA-F]+$/.test(body)
        ? Number.parseInt(body.slice(2), 16)
        : /^#[0-9]+$/.test(body)
          ? Number.parseInt(body.slice(1), 10)
          : undefined;
      if (code !== undefined) {
        if (code > 0x10ffff) return fail(`&${ref} is not a character`, at);
        return String.fromCodePoint(code);
      }
      return ENTITIES[body] ?? fail(`unknown entity &${ref}`, at);
    });
  const skipUntil = (end: string, what: string) => {
    const found = source.indexOf(end, pos);
    if (found === -1) fail(`${what} is not closed`);
    pos = found + end.length;
  };
  /** Skips what may sit between elements: space, comments, declarations, DOCTYPE. */
  const skipMisc = () => {
    for (;;) {
      while (pos < source.length && /\s/.test(source[pos] as string)) pos += 1;
      if (source.startsWith("<!--", pos)) skipUntil("-->", "a comment");
      else if (source.startsWith("<?", pos)) skipUntil("?>", "a processing instruction");
      else if (source.startsWith("<!DOCTYPE", pos)) {
        const bracket = source.indexOf("[", pos);
        const close = source.indexOf(">", pos);
        if (bracket !== -1 && bracket < close) skipUntil("]>", "the DOCTYPE");
        else skipUntil(">", "the DOCTYPE");
      } else return;
    }
  };
  const name = () => {
    NAME.lastIndex = pos;
    const match = NAME.exec(source);
    if (!match) return fail(`expected a name at "${source.slice(pos, pos + 10)}"`);
    pos += match[0].length;
    return match[0];
  };
  const element = (): XmlElement => {
    const start = pos;
    if (source[pos] !== "<") fail("expected an element");
    pos += 1;
    const el: XmlElement = { name: name(), attributes: {}, children: [], text: "" };
    for (;;) {
      while (/\s/.test(source[pos] ?? "")) pos += 1;
      if (source.startsWith("/>", pos)) {
        pos += 2;
        return el;
      }
      if (source[pos] === ">") {
        pos += 1;
        break;
      }
      if (pos >= source.length) fail(`<${el.name}> is not closed`, start);
      const attribute = name();
      while (/\s/.test(source[pos] ?? "")) pos += 1;
      if (source[pos] !== "=") fail(`attribute ${attribute} of <${el.name}> has no value`);
      pos += 1;
      while (/\s/.test(source[pos] ?? "")) pos += 1;
      const quote = source[pos];
      if (quote !== '"' && quote !== "'") fail(`the value of ${attribute} must be quoted`);
      const end = source.indexOf(quote as string, pos + 1);
      if (end === -1) fail(`the value of ${attribute} is not closed`);
      el.attributes[attribute] = decode(source.slice(pos + 1, end), pos);
      pos = end + 1;
    }
    let text = "";
    for (;;) {
      if (pos >= source.length) fail(`<${el.name}> is not closed`, start);
      if (source.startsWith("</", pos)) {
        pos += 2;
        const closing = name();
        if (closing !== el.name) fail(`</${closing}> closes <${el.name}> (opened on line ${lineAt(start)})`);
        while (/\s/.test(source[pos] ?? "")) pos += 1;
        if (source[pos] !== ">") fail(`</${closing}> is not closed`);
        pos += 1;
        el.text = text.trim();
        return el;
      }
      if (source.startsWith("<![CDATA[", pos)) {
        const end = source.indexOf("]]>", pos);
        if (end === -1) fail("CDATA is not closed");
        text += source.slice(pos + 9, end);
        pos = end + 3;
      } else if (source.startsWith("<!--", pos)) skipUntil("-->", "a comment");
      else if (source.startsWith("<?", pos)) skipUntil("?>", "a processing instruction");
      else if (source[pos] === "<") el.children.push(element());
      else {
        const next = source.indexOf("<", pos);
        const end = next === -1 ? source.length : next;
        text += decode(source.slice(pos, end), pos);
        pos = end;
      }
    }
  };
  skipMisc();
  if (pos >= source.length) fail("the document is empty");
  const root = element();
  skipMisc();
  if (pos < source.length) fail("there is content after the root element");
  return root;
}

/**
 * The first child element called `name`.
 *
 * @example
 * ```ts
 * child(parseXml("<a><b/></a>"), "b")?.name; // "b"
 * ```
 */
export function child(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((c) => c.name === name);
}

/**
 * The text of the first child called `name`, or `undefined` when there is no such child.
 *
 * @example
 * ```ts
 * childText(parseXml("<size><width>640</width></size>"), "width"); // "640"
 * ```
 */
export function childText(element: XmlElement, name: string): string | undefined {
  return child(element, name)?.text;
}

/**
 * Escapes text for an XML element or a double-quoted attribute.
 *
 * @example
 * ```ts
 * escapeXml('a < "b" & c'); // "a &lt; &quot;b&quot; &amp; c"
 * ```
 */
export function escapeXml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => `&${{ "&": "amp", "<": "lt", ">": "gt", '"': "quot", "'": "apos" }[c]};`,
  );
}
