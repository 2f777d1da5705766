export {
  clientConfig,
  type LocalAws,
  type LocalAwsOptions,
  startLocalAws,
  writeTestStackFile,
} from './localAws';
export { type ProvisionedQueue, provisionQueues, provisionTables } from './provision';
export { type LocalStore, SAMPLE_STORE_ID, SEED_STORES, seedStores } from './seedStores';
export {
  LOCAL_ACCOUNT_ID,
  LOCAL_HOST,
  LOCAL_REGION,
  type RunningServer,
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
  serviceDir,
} from './serviceConfig';
export {
  DEFAULT_STATE_DIR,
  LOCAL_CREDENTIALS,
  queueOf,
  readStackInfo,
  StackFileError,
  type StackInfo,
  stackFile,
  storeKeyOf,
} from './stackFile';
