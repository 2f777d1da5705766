import { cp, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { buildOrderAttributes } from '@order-pipeline/common';
import { anOrder } from '@order-pipeline/common/testing';
import { clientConfig, REPO_ROOT } from '@order-pipeline/local-aws';
import { queueOf, type StackInfo } from '@order-pipeline/local-aws/stack-file';
import { freeBasePort } from '../../local-stack/ports';
import { eventually, orderRequest } from './harness';
import { livePids, type StackProgram, servicePids, startProgram } from './program';

// `pnpm start --watch` as a user runs it, on a copy of the repository (the edits this test makes never
// reach the checkout that other suites build from): an edit of packages/common reaches an HTTP function
// (ingest-api) and an SQS-triggered one (order-consumer), and an edit of order-consumer's own source
// reaches it, while the stack runs, without a restart.
jest.setTimeout(600_000);

// The copy's sources are its own; its dependencies are the checkout's (root node_modules linked). The
// packages' node_modules hold pnpm's relative links, copied as they are: @order-pipeline/* point into
// the copy, everything else into the linked store.
const LEFT_OUT = new Set(['node_modules', '.git', '.local', 'bench']);
const copyRepository = async (): Promise<string> => {
  const root = await mkdtemp(join(tmpdir(), 'order-pipeline-watch-'));
  await cp(REPO_ROOT, root, {
    recursive: true,
    verbatimSymlinks: true,
    filter: (source) => {
      const path = relative(REPO_ROOT, source);
      const name = path.split(sep).at(-1) ?? '';
      return !LEFT_OUT.has(path) && name !== '.esbuild' && name !== '.serverless';
    },
  });
  await symlink(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'));
  return root;
};

/** Replaces `from` by `to` in a file of the copy; `from` must be there, or the test would prove nothing. */
const edit = async (file: string, from: string, to: string) => {
  const text = await readFile(file, 'utf8');
  if (!text.includes(from)) throw new Error(`${file} no longer contains ${JSON.stringify(from)}`);
  await writeFile(file, text.replace(from, to));
};

const COUNTRY_MESSAGE = 'must be an ISO 3166-1 alpha-2 code such as "DE"';
const PROCESSED_MESSAGE = "'order processed'";
const EDITED = ' (edited while running)';

interface Issue {
  path: string;
  message: string;
}

describe('pnpm start --watch', () => {
  let root: string;
  let stateDir: string;
  let program: StackProgram | undefined;

  beforeAll(async () => {
    root = await copyRepository();
    stateDir = await mkdtemp(join(tmpdir(), 'order-pipeline-watch-state-'));
  }, 120_000);

  afterAll(async () => {
    await program?.kill();
    await rm(root, { recursive: true, force: true });
    await rm(stateDir, { recursive: true, force: true });
  });

  it('reloads ingest-api and order-consumer after edits of packages/common and of order-consumer, without a restart', async () => {
    program = startProgram(await freeBasePort(), stateDir, ['--watch'], {}, root);
    const info: StackInfo = await program.waitUntilUp();
    const pids = servicePids(info);
    const sqs = new SQSClient(clientConfig(info.sqsEndpoint));
    const consumerLog = join(stateDir, 'logs', 'order-consumer.log');
    const logLines = async () =>
      (await readFile(consumerLog, 'utf8').catch(() => ''))
        .split('\n')
        .filter((line) => line.startsWith('{'));
    const logged = async (message: string, orderId: string) =>
      (await logLines()).find((line) => {
        const entry = JSON.parse(line) as { message?: string; orderId?: string };
        return entry.message === message && entry.orderId === orderId;
      });

    const post = async (body: unknown) => {
      const response = await fetch(`${info.apiBaseUrl}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': info.apiKey },
        body: JSON.stringify(body),
      });
      return { status: response.status, text: await response.text() };
    };
    const badCountry = () => {
      const order = orderRequest(7);
      return {
        ...order,
        customer: { ...order.customer, address: { ...order.customer.address, country: 'de' } },
      };
    };
    /** ingest-api's message on the country of an order whose country is `de` (a 400). */
    const countryIssue = async () => {
      const refused = await post(badCountry());
      expect(refused.status).toBe(400);
      const { issues = [] } = (JSON.parse(refused.text) as { error: { issues?: Issue[] } }).error;
      return issues.find((issue) => issue.path === 'customer.address.country')?.message;
    };
    /** A good order through the API; its orderId once order-consumer logged `message` for it. */
    const processedWith = async (message: string) => {
      const posted = await post(orderRequest(7));
      expect(posted.status).toBe(202);
      const { orderId } = JSON.parse(posted.text) as { orderId: string };
      await eventually(`order-consumer to log "${message}"`, async () => logged(message, orderId), 30_000);
      return orderId;
    };
    /** An order with a bad country straight to SQS; the reason order-consumer logged for it. */
    const consumerReason = async () => {
      const order = { ...anOrder({ storeId: 7 }), customer: badCountry().customer };
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: queueOf(info, 'OrdersQueue').url,
          MessageBody: JSON.stringify(order),
          MessageAttributes: buildOrderAttributes({ storeId: 7, correlationId: 'watch', producer: 'e2e' }),
        }),
      );
      const line = await eventually('order-consumer to refuse the order', async () =>
        (await logLines()).find(
          (candidate) => candidate.includes(order.orderId) && candidate.includes('poison'),
        ),
      );
      return String((JSON.parse(line) as { reason?: unknown }).reason);
    };

    // Before any edit: the code the stack was started with.
    expect(info.watch).toBe(true);
    expect(await countryIssue()).toBe(COUNTRY_MESSAGE);
    await processedWith('order processed');
    expect(await consumerReason()).toContain(COUNTRY_MESSAGE);

    await edit(join(root, 'packages/common/src/order.ts'), COUNTRY_MESSAGE, `${COUNTRY_MESSAGE}${EDITED}`);
    await edit(
      join(root, 'services/order-consumer/src/processRecord.ts'),
      PROCESSED_MESSAGE,
      `'order processed${EDITED}'`,
    );

    // ingest-api (HTTP) with the edited packages/common.
    await eventually(
      'ingest-api to answer with the edited schema message',
      async () => ((await countryIssue()) === `${COUNTRY_MESSAGE}${EDITED}` ? true : undefined),
      180_000,
    );
    // order-consumer (SQS) with its own edit, and with the edited packages/common.
    // (A try that the old worker still answered fails after its own wait, and the next one posts again.)
    await eventually(
      'order-consumer to run its edited source',
      () => processedWith(`order processed${EDITED}`),
      180_000,
    );
    expect(await consumerReason()).toContain(`${COUNTRY_MESSAGE}${EDITED}`);

    // Reloaded, not restarted: the same service processes, no restart counted.
    const now = await program.info();
    expect(servicePids(now)).toEqual(pids);
    expect(Object.values(now?.services ?? {}).map((service) => service.restarts)).toEqual([0, 0, 0]);
    expect(livePids(pids)).toEqual(pids);

    program.child.kill('SIGTERM');
    expect(await program.exited).not.toBe(1);
  });
});
