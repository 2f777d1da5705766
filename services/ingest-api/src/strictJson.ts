// The ES module build: the package's `main` is a UMD wrapper whose factory takes `require` as a parameter,
// which esbuild cannot follow, so the Lambda bundle would miss ./impl/* (every request failed with 502).
import { visit } from 'jsonc-parser/lib/esm/main.js';

/**
 * UTF-8 decoded strictly: invalid bytes throw instead of becoming U+FFFD, so that a mis-encoded name is
 * refused rather than stored altered. https://encoding.spec.whatwg.org/#dom-textdecoder-fatal
 */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** The text of UTF-8 bytes, or undefined when they are not valid UTF-8. */
export const decodeUtf8 = (bytes: Uint8Array): string | undefined => {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
};

/**
 * The dotted path of the first key that occurs twice in one object of (valid) JSON text, compared after
 * unescaping (`"a"` and `"\u0061"` are one key), or undefined. JSON.parse keeps the last value silently
 * (RFC 8259, section 4: names SHOULD be unique); a body that says two things is refused instead.
 * jsonc-parser's visitor does the tokenizing: https://github.com/microsoft/node-jsonc-parser
 */
export const firstDuplicateKey = (text: string): string | undefined => {
  const open: Array<Set<string>> = [];
  let duplicate: string | undefined;
  visit(text, {
    onObjectBegin: () => {
      open.push(new Set());
    },
    onObjectEnd: () => {
      open.pop();
    },
    onObjectProperty: (property, _offset, _length, _line, _character, pathSupplier) => {
      const keys = open.at(-1);
      if (keys === undefined || duplicate !== undefined) return;
      if (keys.has(property)) duplicate = [...pathSupplier(), property].map(String).join('.');
      keys.add(property);
    },
  });
  return duplicate;
};
