export { FIXED_NOW, fixedClock } from './clock';
export { setEnv } from './env';
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
export { type LogLevel, type LogLine, recordingLogger } from './logger';
export { type CapturedOutput, captureOutput, emfDocuments, metricTotal } from './output';
export { type Random, seeded } from './random';
export { aStore, openStores } from './stores';
export { FAKE_SPAN_ID, FAKE_TRACE_ID, fakeTracer, type RecordedSpan } from './tracer';
export { type WaitOptions, waitUntil } from './wait';
