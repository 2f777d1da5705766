export {
  ATTRIBUTE,
  type AttributeValue,
  buildOrderAttributes,
  type IncomingOrderAttributes,
  type OrderAttributes,
  type OutgoingAttributes,
  outgoingAttributeValue,
  type RecordAttribute,
  type RecordAttributes,
  readNumberAttribute,
  readOrderAttributes,
  toOutgoingAttributes,
  validateMessageAttributes,
} from './attributes';

export type { Clock, Tracer } from './dependencies';
export { isConditionalCheckFailed } from './dynamoErrors';
export { type Env, intEnv, requireEnv } from './env';
export {
  ConfigurationError,
  type FieldIssue,
  MessageAttributeError,
  OrderPipelineError,
  OrderValidationError,
  OrderWriteContentionError,
  StoredItemError,
  StoreRecordError,
  TraceHeaderError,
  toError,
} from './errors';
export { createLogger, type Logger, type LoggerOptions } from './logger';
export {
  type Order,
  type OrderRequest,
  orderRequestSchema,
  orderSchema,
  parseOrder,
  parseOrderRequest,
} from './order';
export { ORDER_CONTENT_TYPE, ORDER_ID_PATTERN } from './orderContract';
export { canonicalJson, orderFingerprint } from './orderFingerprint';
export { type IncomingOrderMessage, type InspectedMessage, inspectOrderMessage } from './orderMessage';
export {
  DEAD_LETTER_CLASS,
  type DeadLetterClass,
  ORDER_STATUS,
  type OrderStatus,
} from './orderRecord';
export { parseQueueArn, type QueueArn, queueUrlFromArn } from './queueUrl';
export {
  containsPersonalData,
  isCardNumber,
  isIban,
  isPersonalKey,
  type KeyContext,
  MASK,
  maskPersonalData,
  maskText,
  normaliseKey,
  type PersonalKind,
  passesLuhn,
  personalKindOf,
} from './redaction';
export { CORRELATION_ID_PATTERN, isSafeCorrelationId, safeCorrelationId, safeOrderId } from './safeIds';
export {
  hashApiKey,
  isStoreId,
  isStoreStatus,
  STORE_CACHE_TTL_MS,
  STORE_STATUS,
  type StoreDirectory,
  type StoreRecord,
  type StoreStatus,
  type StoresTable,
  storeCacheTtlMs,
  storeDirectory,
  storesTable,
  toStoreRecord,
  ttlCache,
} from './stores';
