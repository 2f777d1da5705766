import { randomInt, randomUUID } from 'node:crypto';
import { ORDER_CONTENT_TYPE, type Order } from '@order-pipeline/common';

const FIRST = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Margaret', 'Ken'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Hamilton', 'Thompson'];
const CITIES = [
  ['Berlin', 'DE', '10115'],
  ['Paris', 'FR', '75001'],
  ['Madrid', 'ES', '28001'],
  ['Dublin', 'IE', 'D02'],
] as const;
const SKUS = ['TEA-001', 'CUP-010', 'POT-200', 'SPOON-3', 'KETTLE-9'];

const pick = <T>(items: readonly T[]): T => items[randomInt(items.length)] as T;

/** A realistic order for a store; orderId prefixed so a run's orders can be found again. */
export const storeOrder = (storeId: number, runId: string): Order => {
  const [city, country, postalCode] = pick(CITIES);
  const first = pick(FIRST);
  const last = pick(LAST);
  return {
    orderId: `${runId}-${randomUUID().slice(0, 13)}`,
    storeId,
    currency: 'EUR',
    customer: {
      name: `${first} ${last}`,
      email: `${first}.${last}@example.com`.toLowerCase(),
      phone: `+49 30 ${randomInt(1000000, 9999999)}`,
      address: { line1: `${randomInt(1, 200)} Example Street`, city, postalCode, country },
    },
    items: Array.from({ length: randomInt(1, 4) }, () => ({
      sku: pick(SKUS),
      quantity: randomInt(1, 5),
      unitPriceCents: randomInt(100, 5000),
    })),
    createdAt: new Date().toISOString(),
  };
};

export interface PlannedMessage {
  order: Order;
  /** A poison message: sent straight to SQS without the store_id attribute. */
  poison: boolean;
}

/** `count` orders spread over stores 1..stores; a `poisonShare` of them poison, spread evenly. */
export const planTraffic = (
  count: number,
  stores: number,
  poisonShare: number,
  runId: string,
): PlannedMessage[] => {
  const poisonEvery = poisonShare > 0 ? 1 / poisonShare : Number.POSITIVE_INFINITY;
  let poisonDue = poisonEvery / 2;
  return Array.from({ length: count }, (_, index) => {
    const poison = index + 1 >= poisonDue;
    if (poison) poisonDue += poisonEvery;
    return { order: storeOrder((index % stores) + 1, runId), poison };
  });
};

export const POISON_ATTRIBUTES = {
  content_type: { DataType: 'String', StringValue: ORDER_CONTENT_TYPE },
  producer: { DataType: 'String', StringValue: 'misbehaving-producer' },
} as const;
