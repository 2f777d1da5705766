import { type IncomingOrderAttributes, type RecordAttributes, readOrderAttributes } from './attributes';
import { MessageAttributeError, OrderValidationError } from './errors';
import { type Order, parseOrder } from './order';
import { DEAD_LETTER_CLASS, type DeadLetterClass } from './orderRecord';
import type { StoreDirectory } from './stores';

export interface IncomingOrderMessage {
  body: string;
  messageAttributes?: RecordAttributes;
}

export type InspectedMessage =
  | { ok: true; order: Order; attributes: IncomingOrderAttributes & { storeId: number } }
  | { ok: false; classification: DeadLetterClass; reason: string; orderId?: string };

const orderIdOf = (value: unknown): string | undefined => {
  if (typeof value !== 'object' || value === null) return undefined;
  const orderId = (value as { orderId?: unknown }).orderId;
  return typeof orderId === 'string' && orderId !== '' ? orderId : undefined;
};

const withOrderId = (orderId: string | undefined) => (orderId === undefined ? {} : { orderId });

/**
 * Decides whether an order message can ever be processed, the same way in the consumer (which fails
 * such a record until the redrive policy moves it to the DLQ) and in the DLQ handler (which
 * classifies it). `stores` (the stores registry, cached) says which stores accept orders; it is asked
 * last, only about a message that is otherwise a valid order.
 */
export const inspectOrderMessage = async (
  message: IncomingOrderMessage,
  stores: StoreDirectory,
): Promise<InspectedMessage> => {
  let json: unknown;
  try {
    json = JSON.parse(message.body);
  } catch {
    return { ok: false, classification: DEAD_LETTER_CLASS.unparseable, reason: 'body is not JSON' };
  }
  const orderId = orderIdOf(json);
  let attributes: IncomingOrderAttributes;
  try {
    attributes = readOrderAttributes(message.messageAttributes);
  } catch (error) {
    if (!(error instanceof MessageAttributeError)) throw error;
    const classification =
      error.attributeName === 'store_id' ? DEAD_LETTER_CLASS.missingStoreId : DEAD_LETTER_CLASS.invalidOrder;
    return { ok: false, classification, reason: error.message, ...withOrderId(orderId) };
  }
  const { storeId } = attributes;
  if (storeId === undefined) {
    return {
      ok: false,
      classification: DEAD_LETTER_CLASS.missingStoreId,
      reason: 'message has no store_id attribute',
      ...withOrderId(orderId),
    };
  }
  let order: Order;
  try {
    order = parseOrder(json);
  } catch (error) {
    if (!(error instanceof OrderValidationError)) throw error;
    return {
      ok: false,
      classification: DEAD_LETTER_CLASS.invalidOrder,
      reason: error.message,
      ...withOrderId(orderId),
    };
  }
  if (order.storeId !== storeId) {
    return {
      ok: false,
      classification: DEAD_LETTER_CLASS.invalidOrder,
      reason: `store_id attribute ${storeId} disagrees with body storeId ${order.storeId}`,
      orderId: order.orderId,
    };
  }
  if (!(await stores.isOpen(storeId))) {
    return {
      ok: false,
      classification: DEAD_LETTER_CLASS.storeNotOpen,
      reason: `store ${storeId} is not open`,
      orderId: order.orderId,
    };
  }
  return { ok: true, order, attributes: { ...attributes, storeId } };
};
