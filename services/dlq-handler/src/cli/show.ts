import { maskPersonalData } from '@order-pipeline/common';
import type { DeadLetterStore } from '../deadLetterTable';
import type { Output } from './output';

export interface ShowOptions {
  messageId: string;
  /** Show personal data as stored; masked by default, as in every log line. */
  unmask: boolean;
}

export interface ShowDeps {
  deadLetters: Pick<DeadLetterStore, 'get'>;
  output: Output;
}

const parsedBody = (body: string): unknown => {
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
};

/**
 * A body that is not JSON is withheld unless unmasked: free text can hold personal data no scanner
 * recognises (a bare name), so only its size is shown.
 */
const withheld = (body: string) =>
  `(not JSON, ${Buffer.byteLength(body)} bytes: withheld; --unmask shows it)`;

/** Prints one dead letter whole: its fields, then its attributes and its body as indented JSON. */
export const showCommand = async (options: ShowOptions, deps: ShowDeps): Promise<number> => {
  const deadLetter = await deps.deadLetters.get(options.messageId);
  if (deadLetter === undefined) {
    deps.output.err(`no dead letter with message id ${options.messageId}`);
    return 1;
  }
  const { body, messageAttributes, ...fields } = deadLetter;
  const parsed = parsedBody(body);
  const record = { ...fields, messageAttributes, body: parsed };
  const shown = (
    options.unmask
      ? record
      : {
          ...(maskPersonalData(record) as typeof record),
          ...(typeof parsed === 'string' ? { body: withheld(body) } : {}),
        }
  ) as typeof record;
  const { body: shownBody, messageAttributes: shownAttributes, ...shownFields } = shown;
  for (const [name, value] of Object.entries(shownFields)) deps.output.out(`${name}: ${String(value)}`);
  deps.output.out('messageAttributes:');
  for (const [name, attribute] of Object.entries(shownAttributes)) {
    deps.output.out(
      `  ${name} (${attribute.dataType}): ${attribute.stringValue ?? attribute.binaryValue ?? ''}`,
    );
  }
  deps.output.out('body:');
  deps.output.out(typeof shownBody === 'string' ? shownBody : JSON.stringify(shownBody, null, 2));
  if (!options.unmask) deps.output.err('personal data masked; --unmask shows it');
  return 0;
};
