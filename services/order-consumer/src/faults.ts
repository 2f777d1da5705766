import type { SQSRecord } from 'aws-lambda';
import { SimulatedCrashError, TransientError } from './errors';

/**
 * Fault injection for the chaos suite, consulted once per valid record just before the order is
 * written. Enabled only when CHAOS_FAULTS=on, which config.ts accepts on the local stage only; on
 * AWS the consumer runs without it. A message asks for a fault with a String message attribute
 * `chaos`:
 *
 * - `transient:N`: fail as a transient error (back-off, retry) while ApproximateReceiveCount <= N,
 *   then succeed; N >= maxReceiveCount sends the message to the DLQ as retries exhausted;
 * - `crash`: throw a non-transient error on every receive (a bug), so the record fails until the
 *   redrive policy moves it to the DLQ.
 *
 * Any other value is ignored.
 *
 * Besides, CHAOS_CRASH_RATE (0..1) makes that share of invocations crash after their records were
 * processed and stored (`crashAfterBatch`): the whole batch is reported failed and redelivered, so
 * the conditional write has to turn every redelivery into a duplicate, never a second order.
 */
export interface FaultInjector {
  /** Throws the fault the record asks for, if any. */
  inject(record: SQSRecord, receiveCount: number): void;
}

export const CHAOS_ATTRIBUTE = 'chaos';

export type ChaosFault = { kind: 'transient'; untilReceive: number } | { kind: 'crash' };

/** Reads the `chaos` attribute; undefined when absent, not a String, or not a known fault. */
export const chaosFaultOf = (record: SQSRecord): ChaosFault | undefined => {
  const attribute = record.messageAttributes?.[CHAOS_ATTRIBUTE];
  if (attribute === undefined || !attribute.dataType.startsWith('String')) return undefined;
  const value = attribute.stringValue?.trim() ?? '';
  if (value === 'crash') return { kind: 'crash' };
  const transient = /^transient:(\d{1,4})$/.exec(value);
  if (transient?.[1] !== undefined) return { kind: 'transient', untilReceive: Number(transient[1]) };
  return undefined;
};

export const chaosFaults: FaultInjector = {
  inject(record, receiveCount) {
    const fault = chaosFaultOf(record);
    if (fault?.kind === 'crash') throw new SimulatedCrashError('chaos: simulated crash');
    if (fault?.kind === 'transient' && receiveCount <= fault.untilReceive) {
      throw new TransientError(
        `chaos: simulated transient failure (receive ${receiveCount} of ${fault.untilReceive})`,
      );
    }
  },
};

/** A middy middleware that, with probability `rate`, crashes the invocation after the batch ran. */
export const crashAfterBatch = (rate: number, random: () => number = Math.random) => ({
  after: (): void => {
    if (random() < rate)
      throw new SimulatedCrashError('chaos: simulated crash after the batch was processed');
  },
});
