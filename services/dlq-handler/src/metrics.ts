import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { DEAD_LETTER_CLASS, type DeadLetterClass } from '@order-pipeline/common';

const DEAD_LETTERS_ARCHIVED = 'DeadLettersArchived';
/** Records the handler could not archive (or mark): they stay on the DLQ and are received again. */
const DEAD_LETTERS_NOT_ARCHIVED = 'DeadLettersNotArchived';

/**
 * DeadLettersArchived, emitted twice per new dead letter as EMF: on the function's metrics (service
 * dimension only, flushed by the logMetrics middleware: the total the alarm watches) and as a single
 * metric with a `classification` dimension (its own EMF line, since dimensions are per flush).
 * https://docs.powertools.aws.dev/lambda/typescript/latest/features/metrics/#single-metric
 * An `already-processed` dead letter is a copy of an order that is stored: no failure, so it is left out
 * of the total the alarm watches and counted only under its classification.
 */
export const deadLetterMetrics = (metrics: Metrics) => ({
  deadLetterArchived(classification: DeadLetterClass): void {
    if (classification !== DEAD_LETTER_CLASS.alreadyProcessed) {
      metrics.addMetric(DEAD_LETTERS_ARCHIVED, MetricUnit.Count, 1);
    }
    const single = metrics.singleMetric();
    single.addDimension('classification', classification);
    single.addMetric(DEAD_LETTERS_ARCHIVED, MetricUnit.Count, 1);
  },
  /**
   * Counted on every failed delivery (service dimension only): the alarm on it fires while a dead
   * letter keeps failing, which the DLQ's depth rarely shows (the record is in flight, not visible,
   * most of the time).
   */
  deadLetterNotArchived(): void {
    metrics.addMetric(DEAD_LETTERS_NOT_ARCHIVED, MetricUnit.Count, 1);
  },
});
