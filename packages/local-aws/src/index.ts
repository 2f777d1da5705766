export { writeFileAtomic } from './atomicWrite';
export { StackFileError } from './errors';
export {
  clientConfig,
  type LocalAws,
  type LocalAwsOptions,
  startLocalAws,
  statePaths,
  writeTestStackFile,
} from './localAws';
export { type ProvisionedQueue, provisionQueues, provisionTables } from './provision';
export { type LocalStore, SAMPLE_ORDER, SAMPLE_STORE_ID, SEED_STORES, seedStores } from './seedStores';
export {
  LOCAL_ACCOUNT_ID,
  LOCAL_HOST,
  LOCAL_REGION,
  type RunningServer,
  type RunningSqs,
  startDynamo,
  startSqs,
} from './servers';
export {
  type CfnResource,
  loadServiceConfig,
  REPO_ROOT,
  SERVICES,
  type ServiceConfig,
  type ServiceName,
  SLS_BIN,
  serviceDir,
} from './serviceConfig';
export {
  oldestSentTimestamps,
  persistSqs,
  readSqsSnapshot,
  restoreSqs,
  type SqsPersistence,
  type SqsSnapshot,
  snapshotSqs,
} from './sqsState';
export {
  BASE_PORT_ENV,
  DEFAULT_STATE_DIR,
  defaultStackFile,
  LOCAL_CREDENTIALS,
  queueOf,
  readStackInfo,
  type StackInfo,
  type StackServiceInfo,
  stackFile,
  stateDirFor,
  storeKeyOf,
  writeStackInfo,
} from './stackFile';
export {
  collectSegments,
  parseDatagram,
  type SegmentCollector,
  type SegmentDocument,
  startXrayDaemon,
  type XrayDaemon,
} from './xrayDaemon';
