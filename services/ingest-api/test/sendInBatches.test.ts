import { anOrder, FAKE_SPAN_ID, FAKE_TRACE_ID } from '@order-pipeline/common/testing';
import { SEND_POLICY } from '../src/limits';
import { buildOrderMessage, type OrderMessage } from '../src/orderMessage';
import type { BatchEntry } from '../src/ordersQueue';
import { type BatchSendDeps, packChunks, sendInBatches } from '../src/sendInBatches';
import { acceptAll, type BatchBehaviour, recordingQueue } from './factories';

const messages = (count: number): OrderMessage[] =>
  Array.from({ length: count }, () =>
    buildOrderMessage(anOrder(), {
      correlationId: 'corr-1',
      traceHeader: `Root=${FAKE_TRACE_ID};Parent=${FAKE_SPAN_ID};Sampled=1`,
    }),
  );

const harness = (batch: BatchBehaviour, remainingMs = 10_000) => {
  const { queue, batchCalls } = recordingQueue({ batch });
  const sleeps: number[] = [];
  const deps: BatchSendDeps = {
    ordersQueue: queue,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    remainingTimeMs: () => remainingMs,
  };
  const idsSent = () => batchCalls.map((call) => call.map((entry) => entry.id));
  return { deps, batchCalls, sleeps, idsSent };
};

/** Confirms every entry except those whose id is in `failing`, reported as failed. */
const failing =
  (
    failures: Record<string, { senderFault: boolean; code: string }>,
    onlyOnCalls?: number[],
  ): BatchBehaviour =>
  async (entries, call) => {
    const fails = (entry: BatchEntry) =>
      failures[entry.id] !== undefined && (onlyOnCalls === undefined || onlyOnCalls.includes(call));
    const confirmed = await acceptAll(
      entries.filter((entry) => !fails(entry)),
      call,
    );
    return {
      successful: confirmed.successful,
      failed: entries.filter(fails).map((entry) => ({
        id: entry.id,
        senderFault: failures[entry.id]?.senderFault ?? false,
        code: failures[entry.id]?.code ?? 'InternalError',
        message: 'as the test says',
      })),
    };
  };

describe('packChunks()', () => {
  it('puts at most 10 messages in a call', () => {
    expect(
      packChunks(Array.from({ length: 25 }, () => ({ bytes: 100 }))).map((chunk) => chunk.length),
    ).toEqual([10, 10, 5]);
  });

  it('starts a new call before the summed size would pass the batch limit', () => {
    const sizes = [100_000, 100_000, 100_000, 10_000].map((bytes) => ({ bytes }));

    expect(packChunks(sizes, { maxEntries: 10, maxBytes: 250_000 })).toEqual([
      [0, 1],
      [2, 3],
    ]);
  });
});

describe('sendInBatches()', () => {
  it('sends 25 messages in three SendMessageBatch calls and confirms each', async () => {
    const all = messages(25);
    const { deps, batchCalls } = harness(acceptAll);

    const outcomes = await sendInBatches(all, deps);

    expect(batchCalls.map((call) => call.length)).toEqual([10, 10, 5]);
    expect(outcomes).toEqual(
      all.map((message) => ({ status: 'accepted', messageId: `msg-${message.orderId}` })),
    );
  });

  it('retries only the entries SQS reported as failed, after a back-off', async () => {
    const all = messages(4);
    const { deps, idsSent, sleeps } = harness(
      failing({ m1: { senderFault: false, code: 'InternalError' } }, [1]),
    );

    const outcomes = await sendInBatches(all, deps);

    expect(idsSent()).toEqual([['m0', 'm1', 'm2', 'm3'], ['m1']]);
    expect(sleeps).toEqual([SEND_POLICY.backoffBaseMs]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      'accepted',
      'accepted',
      'accepted',
      'accepted',
    ]);
  });

  it('never retries a SenderFault entry and reports it rejected with SQS code', async () => {
    const all = messages(3);
    const { deps, idsSent } = harness(failing({ m2: { senderFault: true, code: 'InvalidMessageContents' } }));

    const outcomes = await sendInBatches(all, deps);

    expect(idsSent()).toEqual([['m0', 'm1', 'm2']]);
    expect(outcomes[2]).toEqual({
      status: 'rejected',
      code: 'InvalidMessageContents',
      reason: 'as the test says',
    });
  });

  it('gives up after maxAttempts, reports the entry failed and sends no later chunk', async () => {
    const all = messages(12);
    const { deps, idsSent, sleeps } = harness(
      failing({ m3: { senderFault: false, code: 'ServiceUnavailable' } }),
    );

    const outcomes = await sendInBatches(all, deps);

    expect(idsSent()).toEqual([['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8', 'm9'], ['m3'], ['m3']]);
    expect(sleeps).toEqual([SEND_POLICY.backoffBaseMs, SEND_POLICY.backoffBaseMs * 2]);
    expect(outcomes[3]).toEqual({ status: 'failed', reason: 'ServiceUnavailable: as the test says' });
    expect(outcomes.slice(10)).toEqual([
      { status: 'failed', reason: 'not sent: ServiceUnavailable: as the test says' },
      { status: 'failed', reason: 'not sent: ServiceUnavailable: as the test says' },
    ]);
    expect(outcomes.filter((outcome) => outcome.status === 'accepted')).toHaveLength(9);
  });

  it('retries the whole chunk when the call itself fails', async () => {
    const all = messages(2);
    const { deps, idsSent } = harness(async (entries, call) => {
      if (call === 1) throw new Error('socket hang up');
      return acceptAll(entries, call);
    });

    const outcomes = await sendInBatches(all, deps);

    expect(idsSent()).toEqual([
      ['m0', 'm1'],
      ['m0', 'm1'],
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['accepted', 'accepted']);
  });

  it('retries an entry that SQS left out of its answer', async () => {
    const all = messages(2);
    const { deps, idsSent } = harness(async (entries, call) => {
      const answer = await acceptAll(entries, call);
      return call === 1 ? { successful: answer.successful.slice(0, 1), failed: [] } : answer;
    });

    const outcomes = await sendInBatches(all, deps);

    expect(idsSent()).toEqual([['m0', 'm1'], ['m1']]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['accepted', 'accepted']);
  });

  it('starts no call that could outlast the function, reporting those messages failed', async () => {
    const all = messages(3);
    const { deps, batchCalls } = harness(
      acceptAll,
      SEND_POLICY.callTimeoutMs + SEND_POLICY.answerMarginMs - 1,
    );

    const outcomes = await sendInBatches(all, deps);

    expect(batchCalls).toEqual([]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['failed', 'failed', 'failed']);
  });
});
