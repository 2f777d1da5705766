import { parseOrder } from '@order-pipeline/common';
import { planTraffic } from '../produce/traffic';

describe('planTraffic()', () => {
  it('makes valid orders spread over the stores, with the requested share of poison', () => {
    const plan = planTraffic(100, 4, 0.1, 'run1');

    expect(plan).toHaveLength(100);
    expect(plan.filter((message) => message.poison)).toHaveLength(10);
    expect(new Set(plan.map((message) => message.order.storeId))).toEqual(new Set([1, 2, 3, 4]));
    for (const { order } of plan) expect(parseOrder(order)).toEqual(order);
    expect(plan.every(({ order }) => order.orderId.startsWith('run1-'))).toBe(true);
  });

  it('makes no poison at share 0 and only poison at share 1', () => {
    expect(planTraffic(20, 2, 0, 'r').some((message) => message.poison)).toBe(false);
    expect(planTraffic(20, 2, 1, 'r').every((message) => message.poison)).toBe(true);
  });

  it('gives every order a distinct id', () => {
    const ids = planTraffic(500, 3, 0.2, 'r').map((message) => message.order.orderId);

    expect(new Set(ids).size).toBe(500);
  });
});
