import { type DeadLetterClass, maskPersonalData, maskText } from '@order-pipeline/common';
import type { DeadLetter, DeadLetterStatus } from '../deadLetter';
import type { DeadLetterStore } from '../deadLetterTable';
import { formatTable, type Output } from './output';

export interface ListFilter {
  classification?: DeadLetterClass | undefined;
  storeId?: number | undefined;
  /** Archived at or after. */
  since?: Date | undefined;
  /** Archived before. */
  until?: Date | undefined;
  status?: DeadLetterStatus | undefined;
}

const matchesFilter = (deadLetter: DeadLetter, filter: ListFilter): boolean => {
  const archivedAt = Date.parse(deadLetter.archivedAt);
  return (
    (filter.classification === undefined || deadLetter.classification === filter.classification) &&
    (filter.storeId === undefined || deadLetter.storeId === filter.storeId) &&
    (filter.status === undefined || deadLetter.status === filter.status) &&
    (filter.since === undefined || archivedAt >= filter.since.getTime()) &&
    (filter.until === undefined || archivedAt < filter.until.getTime())
  );
};

/**
 * The dead letters matching the filter, oldest first. Filtered here rather than with a Scan
 * FilterExpression: a Scan reads (and bills) every item either way, and one function keeps the
 * semantics in one place.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Scan.html#Scan.FilterExpression
 */
export const selectDeadLetters = async (
  deadLetters: Pick<DeadLetterStore, 'list'>,
  filter: ListFilter,
): Promise<DeadLetter[]> =>
  (await deadLetters.list())
    .filter((deadLetter) => matchesFilter(deadLetter, filter))
    .sort((a, b) => a.archivedAt.localeCompare(b.archivedAt) || a.messageId.localeCompare(b.messageId));

/**
 * What `list` shows of a dead letter: no body, no attributes. The orderId comes from the body, never
 * validated, so it is masked like any text.
 */
const summarize = (deadLetter: DeadLetter) => ({
  messageId: deadLetter.messageId,
  archivedAt: deadLetter.archivedAt,
  classification: deadLetter.classification,
  status: deadLetter.status,
  storeId: deadLetter.storeId,
  orderId: deadLetter.orderId,
  receiveCount: deadLetter.receiveCount,
  redriveCount: deadLetter.redriveCount,
});

const HEADERS = ['MESSAGE ID', 'ARCHIVED AT', 'CLASS', 'STATUS', 'STORE', 'ORDER', 'RECEIVES', 'REDRIVES'];

export interface ListOptions {
  filter: ListFilter;
  json: boolean;
}

export interface ListDeps {
  deadLetters: Pick<DeadLetterStore, 'list'>;
  output: Output;
}

export const listCommand = async (options: ListOptions, deps: ListDeps): Promise<number> => {
  const selected = await selectDeadLetters(deps.deadLetters, options.filter);
  if (options.json) {
    deps.output.out(JSON.stringify(maskPersonalData(selected.map(summarize)), null, 2));
    return 0;
  }
  if (selected.length === 0) {
    deps.output.err('no dead letters match');
    return 0;
  }
  const rows = selected.map((deadLetter) => [
    deadLetter.messageId,
    deadLetter.archivedAt,
    deadLetter.classification,
    deadLetter.status,
    deadLetter.storeId === undefined ? '-' : String(deadLetter.storeId),
    deadLetter.orderId === undefined ? '-' : maskText(deadLetter.orderId),
    String(deadLetter.receiveCount),
    String(deadLetter.redriveCount),
  ]);
  for (const line of formatTable(HEADERS, rows)) deps.output.out(line);
  deps.output.err(`${selected.length} dead letter${selected.length === 1 ? '' : 's'}`);
  return 0;
};
