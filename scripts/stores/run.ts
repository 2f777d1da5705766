import {
  hashApiKey,
  OrderPipelineError,
  STORE_STATUS,
  type StoreRecord,
  toError,
} from '@order-pipeline/common';
import { describeFailure, EXIT, formatTable, type Output, parseOrAnswer } from '@order-pipeline/common/cli';
import { type ParsedCommand, parseCommand } from './args';
import type { StageOptions, StoresTarget } from './stage';
import { STORES_CLI } from './usage';

export interface StoresCliDeps {
  output: Output;
  /** Builds the registry and key issuer of a stage (real ones in main.ts, fakes in tests). */
  connect: (options: StageOptions) => Promise<StoresTarget>;
  now?: () => Date;
}

/** A store as the commands show it: never its key's hash, let alone a value. */
const shown = ({ apiKeyHash: _hash, ...store }: StoreRecord) => store;

/** The command could not do what was asked (no such store, already there): exit 1 with its message. */
class CommandFailure extends OrderPipelineError {}

const list = async (target: StoresTarget, json: boolean, output: Output) => {
  const stores = (await target.stores.list()).map(shown);
  if (json) {
    output.out(JSON.stringify(stores, null, 2));
    return;
  }
  const rows = stores.map((store) => [
    String(store.storeId),
    store.name,
    store.status,
    store.apiKeyId,
    store.updatedAt,
  ]);
  for (const line of formatTable(['STORE', 'NAME', 'STATUS', 'API KEY ID', 'UPDATED'], rows))
    output.out(line);
};

const add = async (
  target: StoresTarget,
  command: Extract<ParsedCommand, { kind: 'add' }>,
  output: Output,
  now: Date,
) => {
  if ((await target.stores.get(command.storeId)) !== undefined) {
    throw new CommandFailure(
      `store ${command.storeId} exists; \`pnpm stores rotate-key\` gives it a new key`,
    );
  }
  const key = await target.keys.issue({ storeId: command.storeId, name: command.name });
  const at = now.toISOString();
  const added = await target.stores.add({
    storeId: command.storeId,
    name: command.name,
    status: command.closed ? STORE_STATUS.closed : STORE_STATUS.open,
    apiKeyId: key.apiKeyId,
    apiKeyHash: hashApiKey(key.value),
    createdAt: at,
    updatedAt: at,
  });
  if (added === 'exists') {
    // Added by someone else meanwhile: the new key must not outlive this failure.
    await target.keys.retire(key.apiKeyId);
    throw new CommandFailure(`store ${command.storeId} was added meanwhile; nothing changed`);
  }
  output.out(`store ${command.storeId} (${command.name}) added, ${command.closed ? 'closed' : 'open'}`);
  output.out(`API key id: ${key.apiKeyId}`);
  output.out(`API key (shown once, keep it now): ${key.value}`);
};

const setStatus = async (target: StoresTarget, storeId: number, open: boolean, output: Output, now: Date) => {
  const status = open ? STORE_STATUS.open : STORE_STATUS.closed;
  const store = await target.stores.setStatus(storeId, status, now);
  if (store === undefined) throw new CommandFailure(`there is no store ${storeId}`);
  output.out(`store ${storeId} (${store.name}) is ${status}`);
};

const rotateKey = async (target: StoresTarget, storeId: number, output: Output, now: Date) => {
  const store = await target.stores.get(storeId);
  if (store === undefined) throw new CommandFailure(`there is no store ${storeId}`);
  const key = await target.keys.issue(store);
  const rotated = await target.stores.replaceKey(
    storeId,
    { apiKeyId: key.apiKeyId, apiKeyHash: hashApiKey(key.value) },
    now,
  );
  if (rotated === undefined) {
    await target.keys.retire(key.apiKeyId);
    throw new CommandFailure(`there is no store ${storeId}`);
  }
  // Only once the registry names the new key: until then the old one keeps the store working.
  await target.keys.retire(store.apiKeyId);
  output.out(`store ${storeId} (${store.name}) has a new key; ${store.apiKeyId} is retired`);
  output.out(`API key id: ${key.apiKeyId}`);
  output.out(`API key (shown once, keep it now): ${key.value}`);
};

/** Runs `pnpm stores <argv>` and answers the exit code; everything it touches comes from `deps`. */
export const runStoresCli = async (argv: readonly string[], deps: StoresCliDeps): Promise<number> => {
  const { output } = deps;
  const parsed = parseOrAnswer(argv, parseCommand, STORES_CLI, output);
  if (typeof parsed === 'number') return parsed;
  let target: StoresTarget | undefined;
  try {
    target = await deps.connect({ stage: parsed.stage, region: parsed.region });
    const now = (deps.now ?? (() => new Date()))();
    switch (parsed.kind) {
      case 'list':
        await list(target, parsed.json, output);
        break;
      case 'add':
        await add(target, parsed, output, now);
        break;
      case 'open':
      case 'close':
        await setStatus(target, parsed.storeId, parsed.kind === 'open', output, now);
        break;
      case 'rotate-key':
        await rotateKey(target, parsed.storeId, output, now);
        break;
    }
    return EXIT.ok;
  } catch (error) {
    const failure = toError(error);
    output.err(
      `error: ${describeFailure(
        failure,
        target && {
          stage: target.stage,
          ...(target.localEndpoint ? { localEndpoints: [target.localEndpoint] } : {}),
        },
      )}`,
    );
    return EXIT.failed;
  } finally {
    target?.close();
  }
};
