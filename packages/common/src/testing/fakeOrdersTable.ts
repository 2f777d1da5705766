import { ORDER_STATUS } from '../orderRecord';
import type {
  AcceptResult,
  ChangeResult,
  OrderKey,
  OrdersTable,
  ProcessResult,
  StoredOrder,
} from '../ordersTable';
import { withoutUndefined } from '../ordersTable';

const keyOf = ({ storeId, orderId }: OrderKey): string => `${storeId}/${orderId}`;

/**
 * The orders table in memory, with the conditions of ordersTable() (the integration suite runs the same
 * cases against both), and errors to throw on request.
 */
export class FakeOrdersTable implements OrdersTable {
  readonly items = new Map<string, StoredOrder>();
  /** Every call, by method name, in order. */
  readonly calls: Array<{ method: keyof OrdersTable; argument: unknown }> = [];
  /** Thrown by the next calls, one each. */
  readonly failNext: unknown[] = [];
  /** Thrown by every call for these orderIds. */
  readonly failures = new Map<string, unknown>();

  /** Records a call, throws the error scheduled for it if any, and answers the item the call is about. */
  private enter(method: keyof OrdersTable, argument: OrderKey): StoredOrder | undefined {
    this.calls.push({ method, argument });
    if (this.failNext.length > 0) throw this.failNext.shift();
    if (this.failures.has(argument.orderId)) throw this.failures.get(argument.orderId);
    return this.item(argument);
  }

  /** Stores an item as DynamoDB would: without its undefined attributes. */
  private write(item: StoredOrder): void {
    this.items.set(keyOf(item), withoutUndefined(item));
  }

  /** Stores an item as it is, for a test's starting state. */
  seed(item: StoredOrder): void {
    this.items.set(keyOf(item), item);
  }

  /** The arguments of every call of one method, in order. */
  argumentsOf<M extends keyof OrdersTable>(method: M): Array<Parameters<OrdersTable[M]>[0]> {
    return this.calls.flatMap((call) =>
      call.method === method ? [call.argument as Parameters<OrdersTable[M]>[0]] : [],
    );
  }

  /** The stored item, for assertions. */
  item(key: OrderKey): StoredOrder | undefined {
    return this.items.get(keyOf(key));
  }

  async get(key: OrderKey) {
    return this.enter('get', key);
  }

  async recordAccepted(accepted: Parameters<OrdersTable['recordAccepted']>[0]): Promise<AcceptResult> {
    const stored = this.enter('recordAccepted', accepted);
    if (
      stored === undefined ||
      (stored.status === ORDER_STATUS.deadLettered && stored.fingerprint === undefined)
    ) {
      const { at, ...rest } = accepted;
      this.write({ ...rest, status: ORDER_STATUS.accepted, acceptedAt: at, updatedAt: at });
      return { outcome: 'recorded' };
    }
    return stored.fingerprint === accepted.fingerprint
      ? { outcome: 'replay', stored }
      : { outcome: 'conflict', stored };
  }

  async completeAccepted(
    key: OrderKey,
    fingerprint: string,
    messageId: string,
    at: string,
  ): Promise<ChangeResult> {
    const stored = this.enter('completeAccepted', key);
    if (stored?.status !== ORDER_STATUS.accepted || stored.fingerprint !== fingerprint) return 'unchanged';
    this.items.set(keyOf(key), { ...stored, messageId, updatedAt: at });
    return 'changed';
  }

  async releaseAccepted(key: OrderKey, fingerprint: string): Promise<ChangeResult> {
    const stored = this.enter('releaseAccepted', key);
    if (
      stored?.status !== ORDER_STATUS.accepted ||
      stored.fingerprint !== fingerprint ||
      stored.messageId !== undefined
    ) {
      return 'unchanged';
    }
    this.items.delete(keyOf(key));
    return 'changed';
  }

  async putProcessed(processed: Parameters<OrdersTable['putProcessed']>[0]): Promise<ProcessResult> {
    const stored = this.enter('putProcessed', processed);
    const replaceable =
      stored === undefined ||
      (stored.status === ORDER_STATUS.deadLettered && stored.fingerprint === undefined) ||
      (stored.status !== ORDER_STATUS.processed && stored.fingerprint === processed.fingerprint);
    if (!replaceable) return stored.fingerprint === processed.fingerprint ? 'duplicate' : 'conflict';
    const { at, ...rest } = processed;
    this.write({ ...rest, status: ORDER_STATUS.processed, processedAt: at, updatedAt: at });
    return 'created';
  }

  async markDeadLettered(marked: Parameters<OrdersTable['markDeadLettered']>[0]): Promise<ChangeResult> {
    const stored = this.enter('markDeadLettered', marked);
    const markable =
      stored === undefined ||
      (marked.fingerprint === undefined
        ? stored.status === ORDER_STATUS.deadLettered && stored.fingerprint === undefined
        : stored.status !== ORDER_STATUS.processed &&
          (stored.fingerprint === undefined || stored.fingerprint === marked.fingerprint));
    if (!markable) return 'unchanged';
    const { classification, reason, at, ...rest } = marked;
    this.write({
      ...stored,
      ...withoutUndefined(rest),
      status: ORDER_STATUS.deadLettered,
      deadLetterClass: classification,
      deadLetterReason: reason,
      updatedAt: at,
    });
    return 'changed';
  }
}
