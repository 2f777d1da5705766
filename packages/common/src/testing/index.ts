export {
  anOrder,
  anOrderRequest,
  orderRecord,
  orderRecordAttributes,
  type RecordOverrides,
  sqsEvent,
  sqsRecord,
  TRACE_HEADER,
} from './factories';
export { FakeOrdersTable } from './fakeOrdersTable';
export { lambdaContext, lambdaRecordFromMessage } from './lambdaRecord';
export { type Random, seeded } from './random';
export { aStore, openStores } from './stores';
