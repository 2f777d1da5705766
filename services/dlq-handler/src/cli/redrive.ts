import {
  ATTRIBUTE,
  type Clock,
  DEAD_LETTER_CLASS,
  type DeadLetterClass,
  type OutgoingAttributes,
  outgoingAttributeValue,
  toError,
  toOutgoingAttributes,
  validateMessageAttributes,
} from '@order-pipeline/common';
import { formatTraceHeader, tryParseTraceHeader } from '@order-pipeline/common/tracing';
import { DEAD_LETTER_STATUS, type DeadLetter } from '../deadLetter';
import type { DeadLetterStore } from '../deadLetterTable';
import { RedriveConflictError } from '../errors';
import type { OrdersQueue } from './clients';
import { selectDeadLetters } from './list';
import type { Output } from './output';

export const DEFAULT_MAX_REDRIVES = 3;

/** Which dead letters to redrive: exactly one way of choosing. */
export type RedriveSelection =
  | { kind: 'messageIds'; messageIds: readonly string[] }
  | { kind: 'class'; classification: DeadLetterClass };

export interface RedriveOptions {
  selection: RedriveSelection;
  maxRedrives: number;
  dryRun: boolean;
}

export interface RedriveDeps {
  deadLetters: Pick<DeadLetterStore, 'get' | 'list' | 'markRedriven'>;
  ordersQueue: OrdersQueue;
  output: Output;
  clock: Clock;
}

export interface RedriveSummary {
  redriven: number;
  refused: number;
  failed: number;
}

type Candidate = { messageId: string; deadLetter: DeadLetter | undefined };

const candidates = async (
  selection: RedriveSelection,
  deadLetters: RedriveDeps['deadLetters'],
): Promise<Candidate[]> => {
  if (selection.kind === 'class') {
    const selected = await selectDeadLetters(deadLetters, {
      classification: selection.classification,
      status: DEAD_LETTER_STATUS.archived,
    });
    return selected.map((deadLetter) => ({ messageId: deadLetter.messageId, deadLetter }));
  }
  const unique = [...new Set(selection.messageIds)];
  return Promise.all(
    unique.map(async (messageId) => ({ messageId, deadLetter: await deadLetters.get(messageId) })),
  );
};

/** Why a dead letter must not be redriven, or undefined when it may be. */
const refusal = (deadLetter: DeadLetter, maxRedrives: number): string | undefined => {
  if (deadLetter.status !== DEAD_LETTER_STATUS.archived) {
    return `already redriven at ${deadLetter.redrivenAt ?? '?'} as ${deadLetter.redrivenMessageId ?? '?'}`;
  }
  if (deadLetter.redriveCount >= maxRedrives) {
    return `redriven ${deadLetter.redriveCount} times already (maximum ${maxRedrives}, see --max-redrives)`;
  }
  return undefined;
};

/** The original attributes, `redrive_count` set to one more than the message carried. */
const redriveAttributes = (deadLetter: DeadLetter): OutgoingAttributes =>
  validateMessageAttributes({
    ...toOutgoingAttributes(deadLetter.messageAttributes),
    [ATTRIBUTE.redriveCount]: outgoingAttributeValue(deadLetter.redriveCount + 1),
  });

/** The producer's header, re-validated (a malformed one is never forwarded: X-Ray starts a new trace). */
const traceHeaderOf = (deadLetter: DeadLetter): string | undefined => {
  const parsed = tryParseTraceHeader(deadLetter.traceHeader);
  return parsed === undefined ? undefined : formatTraceHeader(parsed);
};

const redriveOne = async (deadLetter: DeadLetter, deps: RedriveDeps): Promise<string> => {
  const attributes = redriveAttributes(deadLetter);
  // Sent before it is marked: a crash in between leaves an ARCHIVED dead letter that was redriven
  // (the consumer's conditional write makes a second redrive harmless), never a lost one.
  const redrivenMessageId = await deps.ordersQueue.send({
    body: deadLetter.body,
    attributes,
    traceHeader: traceHeaderOf(deadLetter),
  });
  const marked = await deps.deadLetters.markRedriven(deadLetter.messageId, {
    redriveCount: deadLetter.redriveCount + 1,
    redrivenAt: deps.clock().toISOString(),
    redrivenMessageId,
  });
  if (marked === 'not-archived') {
    throw new RedriveConflictError(deadLetter.messageId, redrivenMessageId);
  }
  return redrivenMessageId;
};

/**
 * Re-sends archived dead letters to the orders queue with their original attributes and trace
 * header plus `redrive_count`, and marks them REDRIVEN. Refuses one redriven `maxRedrives` times.
 * Answers the exit code: 1 when any redrive failed.
 */
export const redriveCommand = async (options: RedriveOptions, deps: RedriveDeps): Promise<number> => {
  const summary: RedriveSummary = { redriven: 0, refused: 0, failed: 0 };
  const { output } = deps;
  for (const { messageId, deadLetter } of await candidates(options.selection, deps.deadLetters)) {
    if (deadLetter === undefined) {
      summary.failed++;
      output.err(`failed    ${messageId}: no such dead letter`);
      continue;
    }
    const refused = refusal(deadLetter, options.maxRedrives);
    if (refused !== undefined) {
      summary.refused++;
      output.out(`refused   ${messageId}: ${refused}`);
      continue;
    }
    if (options.dryRun) {
      summary.redriven++;
      output.out(
        `would redrive ${messageId} (${deadLetter.classification}, redrive ${deadLetter.redriveCount + 1})`,
      );
      continue;
    }
    try {
      const redrivenMessageId = await redriveOne(deadLetter, deps);
      summary.redriven++;
      output.out(`redriven  ${messageId} -> ${redrivenMessageId} (redrive ${deadLetter.redriveCount + 1})`);
    } catch (error) {
      summary.failed++;
      output.err(`failed    ${messageId}: ${toError(error).message}`);
    }
  }
  output.out(
    options.dryRun
      ? `dry run, nothing sent: would redrive ${summary.redriven}, refused ${summary.refused}, failed ${summary.failed}`
      : `redriven ${summary.redriven}, refused ${summary.refused}, failed ${summary.failed}`,
  );
  return summary.failed > 0 ? 1 : 0;
};

export const RETRIES_EXHAUSTED: RedriveSelection = {
  kind: 'class',
  classification: DEAD_LETTER_CLASS.retriesExhausted,
};
